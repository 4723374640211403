// Package chart owns the in-memory model of a Helm chart and loading it from a
// directory or a .tgz archive: Chart.yaml (apiVersion v1 and v2),
// requirements.yaml/Chart.lock, values.yaml, values.schema.json, templates,
// CRDs, subcharts nested to any depth, .helmignore and every other file.
//
// Loading is hermetic and safe: archives never write to disk, every entry is
// bounded in size, and paths that would leave the chart are rejected. Errors
// name the file and what is wrong with it.
//
// This package must not import client-go or the renderer.
package chart
