// Package render owns turning a loaded chart and user values into Kubernetes
// manifests exactly as Helm v3 does: dependency conditions, tags, aliases and
// import-values; values coalescing and schema validation; Go templates with
// sprig and Helm's functions; and splitting and ordering the output into
// manifests, hooks and notes.
//
// Rendering is hermetic: no environment variables, DNS or cluster reads unless
// the caller supplies a Lookup function or enables DNS. It imports no
// client-go: test/layout enforces that.
//
// Helm's engine is the reference for behaviour, not for structure: templates
// are parsed once per render into one shared set and `tpl` never clones that
// set, so rendering stays linear in the number of templates.
package render

//go:generate go run ../../hack/apiversions apiversions_gen.go
