package repo

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	helmrepo "helm.sh/helm/v3/pkg/repo"

	"github.com/kpkg/kpkg/pkg/chart"
)

// writeBigIndex generates an index of about size bytes in the layout Helm
// writes, with the fields public indexes carry.
func writeBigIndex(tb testing.TB, file string, size int) {
	tb.Helper()
	idx := NewIndexFile()
	created := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	total := 0
	for c := 0; total < size; c++ {
		name := fmt.Sprintf("chart-%05d", c)
		for v := 0; v < 20 && total < size; v++ {
			md := &chart.Metadata{
				APIVersion: "v2", Name: name, Version: fmt.Sprintf("1.%d.%d", v/5, v%5), AppVersion: fmt.Sprintf("%d.0", v),
				Description: "A chart generated for the index benchmark; it deploys " + name + " with sensible defaults.",
				Home:        "https://example.com/" + name, Sources: []string{"https://github.com/example/" + name},
				Keywords:     []string{"bench", "generated", name},
				Maintainers:  []*chart.Maintainer{{Name: "Bench Team", Email: "bench@example.com"}},
				Annotations:  map[string]string{"category": "Infrastructure", "licenses": "Apache-2.0"},
				Dependencies: []*chart.Dependency{{Name: "common", Version: "2.x.x", Repository: "oci://registry.example.com/charts", Tags: []string{"common"}}},
			}
			idx.Entries[name] = append(idx.Entries[name], &ChartVersion{
				Metadata: md, URLs: []string{fmt.Sprintf("https://charts.example.com/%s-%s.tgz", name, md.Version)},
				Created: created, Digest: strings.Repeat("ab", 32),
			})
			total += 820
		}
	}
	if err := idx.WriteFile(file, false); err != nil {
		tb.Fatal(err)
	}
}

var benchIndex struct {
	path string
	size int64
}

func bigIndex(b *testing.B) string {
	if benchIndex.path == "" {
		dir, err := os.MkdirTemp("", "kpkg-bench-index-")
		if err != nil {
			b.Fatal(err)
		}
		p := filepath.Join(dir, "index.yaml")
		writeBigIndex(b, p, 20<<20)
		fi, _ := os.Stat(p)
		benchIndex.path, benchIndex.size = p, fi.Size()
	}
	b.SetBytes(benchIndex.size)
	return benchIndex.path
}

// peakHeap samples live heap bytes while fn runs and reports the largest
// rise over the starting point.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

func benchLoad(b *testing.B, load func(string) (int, error)) {
	p := bigIndex(b)
	b.ReportAllocs()
	b.ResetTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		peak = max(peak, peakHeap(func() {
			n, err := load(p)
			if err != nil || n == 0 {
				b.Fatalf("load: %d charts, %v", n, err)
			}
		}))
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// BenchmarkLoadIndex20MB loads a generated 20 MB index with Helm's
// repo.LoadIndexFile and with kpkg, in the same run.
func BenchmarkLoadIndex20MB(b *testing.B) {
	b.Run("impl=helm", func(b *testing.B) {
		benchLoad(b, func(p string) (int, error) {
			idx, err := helmrepo.LoadIndexFile(p)
			if err != nil {
				return 0, err
			}
			return len(idx.Entries), nil
		})
	})
	b.Run("impl=kpkg", func(b *testing.B) {
		benchLoad(b, func(p string) (int, error) {
			idx, err := LoadIndexFile(p, IndexLoadOptions{})
			if err != nil {
				return 0, err
			}
			return len(idx.Entries), nil
		})
	})
}

// TestMain removes the generated benchmark index, if any. Helm's index
// loader, the oracle of several tests, logs every entry it skips through
// the standard logger; those lines are silenced.
func TestMain(m *testing.M) {
	log.SetOutput(io.Discard)
	code := m.Run()
	if benchIndex.path != "" {
		os.RemoveAll(filepath.Dir(benchIndex.path))
	}
	os.Exit(code)
}
