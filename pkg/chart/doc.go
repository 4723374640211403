// Package chart owns the in-memory model of a Helm chart and loading it from a
// directory or a .tgz archive: Chart.yaml (apiVersion v1 and v2),
// requirements.yaml/Chart.lock, values.yaml, values.schema.json, templates,
// CRDs, subcharts nested to any depth, .helmignore and every other file.
//
// Loading is hermetic and safe: archives never write to disk, and paths that
// would leave the chart are rejected. One load, whatever it reaches (the
// archive, the archives nested in its charts/ at any depth, directories,
// file:// dependencies), is bounded as a whole by Limits: bytes inflated or
// read in total (100 MiB), the size of one file (5 MiB), the number of
// entries (10,000) and the depth of subcharts (20). Loader.Limits and the
// KPKG_MAX_CHART_SIZE, KPKG_MAX_CHART_FILE_SIZE, KPKG_MAX_CHART_FILES and
// KPKG_MAX_CHART_DEPTH environment variables change them. file:// dependencies
// that lead back to a chart being loaded are refused as a cycle. Errors name
// the file and what is wrong with it; a limit passed is a *LimitError.
//
// This package must not import client-go or the renderer.
package chart
