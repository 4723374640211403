// Package layout holds the tests that keep kpkg's layering honest: which
// packages may depend on client-go, cli-runtime, the renderer and the
// command layer. The rules live in imports_test.go; go list supplies each
// package's transitive dependencies.
package layout
