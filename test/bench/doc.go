// Package bench holds kpkg's render benchmarks, each measured next to Helm's
// own library on the same input in the same run (Helm is a test-only
// dependency here). `make bench` runs them and prints the ratio table.
package bench
