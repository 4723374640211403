// Package fuzzcheck holds what every parser's fuzz target asserts besides
// its own properties: that an input costs memory in proportion to its size,
// and where the seed corpus of real charts lives. It is imported by tests
// only.
package fuzzcheck

import (
	"os"
	"path/filepath"
	"runtime/metrics"
	"testing"
	"time"
)

var allocs = []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}

// Allocated runs fn and returns the bytes allocated on the heap while it
// ran, by every goroutine.
func Allocated(fn func()) uint64 {
	metrics.Read(allocs)
	before := allocs[0].Value.Uint64()
	fn()
	metrics.Read(allocs)
	return allocs[0].Value.Uint64() - before
}

// Bounded runs fn and fails t when it allocated more than perByte bytes for
// each of the input's size bytes plus fixed: a parser whose cost grows
// faster than its input (an expansion bomb, a quadratic path) fails here.
func Bounded(t testing.TB, size int, perByte, fixed uint64, fn func()) {
	t.Helper()
	if got, limit := Allocated(fn), perByte*uint64(size)+fixed; got > limit {
		t.Fatalf("allocated %d bytes for %d bytes of input (limit %d)", got, size, limit)
	}
}

// Corpus is the shared corpus of real-world charts (KPKG_CORPUS, or
// ../shared/corpus beside the repository), or "" when it is not there.
// from is the test's directory relative to the repository root.
func Corpus(from string) string {
	dir := os.Getenv("KPKG_CORPUS")
	if dir == "" {
		up, _ := filepath.Rel(from, ".")
		dir = filepath.Join(up, "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "charts")); err != nil {
		return ""
	}
	return dir
}

// CorpusCharts lists the chart directories of the corpus, at most max of
// them (all when max <= 0), smallest names first.
func CorpusCharts(from string, max int) []string {
	dir := Corpus(from)
	if dir == "" {
		return nil
	}
	entries, err := os.ReadDir(filepath.Join(dir, "charts"))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && (max <= 0 || len(out) < max) {
			out = append(out, filepath.Join(dir, "charts", e.Name()))
		}
	}
	return out
}

// Within runs fn and fails t when it has not returned after limit, so that
// the fuzzing engine records an input that hangs instead of stalling.
func Within(t testing.TB, limit time.Duration, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("still running after %s", limit)
	}
}
