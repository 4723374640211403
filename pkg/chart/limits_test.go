package chart_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kpkg/kpkg/pkg/chart"
)

// peakHeap runs fn and returns the largest rise of the live heap over its
// starting point, sampled every millisecond, and what fn allocated in all.
func peakHeap(fn func()) (peak, total uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var max atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			if v := read(); v > max.Load() {
				max.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	runtime.ReadMemStats(&after)
	if m := max.Load(); m > base {
		peak = m - base
	}
	return peak, after.TotalAlloc - before.TotalAlloc
}

// zeroArchive is a chart archive named name holding files files of size
// zero bytes each: it compresses about a thousand to one.
func zeroArchive(t testing.TB, name string, files, size int, extra ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(gz)
	write := func(e tarEntry) {
		if err := tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	write(tarEntry{name: name + "/Chart.yaml", body: fmt.Sprintf("apiVersion: v2\nname: %s\nversion: 1.0.0\n", name)})
	zeros := make([]byte, size)
	for i := 0; i < files; i++ {
		if err := tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("%s/files/zero-%d", name, i), Mode: 0o644, Size: int64(size), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range extra {
		write(e)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bomb is the security review's archive: a small chart whose charts/ holds
// subcharts archives, each of files of zeros just under the per-file limit.
func bomb(t testing.TB, subcharts, filesEach int) []byte {
	t.Helper()
	sub := zeroArchive(t, "sub", filesEach, chart.DefaultMaxFileSize-1024)
	var extra []tarEntry
	for i := 0; i < subcharts; i++ {
		extra = append(extra, tarEntry{name: fmt.Sprintf("bomb/charts/sub%02d-1.0.0.tgz", i), body: string(sub)})
	}
	return zeroArchive(t, "bomb", 0, 0, extra...)
}

// TestNestedArchivesShareOneBudget: Helm checks 100 MiB per archive, so 40
// subchart archives of 95 MB of zeros each take it past 2 GB. kpkg counts
// every byte inflated, at any depth, against one limit.
func TestNestedArchivesShareOneBudget(t *testing.T) {
	data := bomb(t, 40, 19)
	t.Logf("archive: %d KB, inflating to %d MB", len(data)>>10, 40*19*chart.DefaultMaxFileSize>>20)
	var err error
	peak, total := peakHeap(func() { _, err = chart.LoadArchive("bomb.tgz", bytes.NewReader(data)) })
	var lim *chart.LimitError
	if !errors.As(err, &lim) || lim.Limit != chart.LimitChartSize || lim.Env != chart.EnvMaxChartSize {
		t.Fatalf("got %v, want the total size limit", err)
	}
	if !strings.HasPrefix(err.Error(), "bomb.tgz/charts/sub") || !strings.Contains(err.Error(), "104857600 bytes allowed in total") {
		t.Errorf("error does not name the archive and the limit: %v", err)
	}
	if !errors.Is(err, chart.ErrInvalidChart) {
		t.Errorf("%v is not ErrInvalidChart", err)
	}
	t.Logf("peak heap %d MB, allocated %d MB", peak>>20, total>>20)
	if peak > 160<<20 {
		t.Errorf("peak heap %d MB, want under 160 MB", peak>>20)
	}
}

func TestArchiveLimits(t *testing.T) {
	manyEntries := func(n int) []byte {
		var entries []tarEntry
		for i := 0; i < n; i++ {
			entries = append(entries, tarEntry{name: fmt.Sprintf("demo/files/f%d", i)})
		}
		return makeArchive(t, append([]tarEntry{{name: "demo/Chart.yaml", body: minimalChart}}, entries...))
	}
	// nested is an archive holding an archive, depth levels deep.
	nested := func(depth int) []byte {
		data := makeArchive(t, []tarEntry{{name: "c0/Chart.yaml", body: "apiVersion: v2\nname: c0\nversion: 1.0.0\n"}})
		for i := 1; i <= depth; i++ {
			data = makeArchive(t, []tarEntry{
				{name: fmt.Sprintf("c%d/Chart.yaml", i), body: fmt.Sprintf("apiVersion: v2\nname: c%d\nversion: 1.0.0\n", i)},
				{name: fmt.Sprintf("c%d/charts/c%d-1.0.0.tgz", i, i-1), body: string(data)},
			})
		}
		return data
	}
	tests := []struct {
		name    string
		data    []byte
		limits  chart.Limits
		env     map[string]string
		want    string // LimitError.Limit, "" for success
		wantMsg string
	}{
		{name: "many entries", data: manyEntries(chart.DefaultMaxFiles + 1), want: chart.LimitFiles, wantMsg: "more than the 10000 entries allowed"},
		{name: "entries under the limit", data: manyEntries(2000)},
		{name: "entries limit from options", data: manyEntries(100), limits: chart.Limits{MaxFiles: 50}, want: chart.LimitFiles},
		{name: "entries limit from the environment", data: manyEntries(100), env: map[string]string{chart.EnvMaxFiles: "50"}, want: chart.LimitFiles},
		{name: "options win over the environment", data: manyEntries(100), limits: chart.Limits{MaxFiles: 500}, env: map[string]string{chart.EnvMaxFiles: "50"}},
		{name: "archives nested past the depth limit", data: nested(chart.DefaultMaxDepth + 1), want: chart.LimitDepth, wantMsg: "subcharts nest more than the 20 levels allowed"},
		{name: "archives nested to the depth limit", data: nested(chart.DefaultMaxDepth)},
		{name: "depth from the environment", data: nested(5), env: map[string]string{chart.EnvMaxDepth: "4"}, want: chart.LimitDepth},
		{name: "file size from options", data: zeroArchive(t, "demo", 1, 2<<20), limits: chart.Limits{MaxFileSize: 1 << 20}, want: chart.LimitFileSize, wantMsg: `entry "demo/files/zero-0": file is larger than the 1048576 bytes`},
		{name: "file size raised", data: zeroArchive(t, "demo", 1, 6<<20), env: map[string]string{chart.EnvMaxFileSize: "8Mi"}},
		{name: "total size from the environment", data: zeroArchive(t, "demo", 3, 1<<20), env: map[string]string{chart.EnvMaxChartSize: "2Mi"}, want: chart.LimitChartSize},
		{name: "no total size limit", data: bomb(t, 3, 10), env: map[string]string{chart.EnvMaxChartSize: "-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := chart.Loader{Limits: tt.limits}.LoadArchive("demo.tgz", bytes.NewReader(tt.data))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var lim *chart.LimitError
			if !errors.As(err, &lim) || lim.Limit != tt.want {
				t.Fatalf("got %v, want a %s LimitError", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "demo.tgz") || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not name the archive or says not %q", err, tt.wantMsg)
			}
		})
	}
}

func TestBadLimitsFromTheEnvironment(t *testing.T) {
	t.Setenv(chart.EnvMaxChartSize, "lots")
	_, err := chart.LoadArchive("demo.tgz", bytes.NewReader(makeArchive(t, []tarEntry{{name: "demo/Chart.yaml", body: minimalChart}})))
	if err == nil || !strings.Contains(err.Error(), `KPKG_MAX_CHART_SIZE="lots"`) {
		t.Fatalf("got %v", err)
	}
}

func TestLimitsFromEnv(t *testing.T) {
	env := map[string]string{chart.EnvMaxChartSize: "2Gi", chart.EnvMaxFileSize: "64Ki", chart.EnvMaxFiles: "123", chart.EnvMaxDepth: "-1"}
	got, err := chart.LimitsFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := chart.Limits{MaxChartSize: 2 << 30, MaxFileSize: 64 << 10, MaxFiles: 123, MaxDepth: -1}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// TestDirectoryLimits: an unpacked chart shares the budget with the
// archives under its charts/ and is bounded the same way.
func TestDirectoryLimits(t *testing.T) {
	t.Run("archives under charts/ count with the directory", func(t *testing.T) {
		files := map[string]string{"Chart.yaml": minimalChart}
		sub := string(zeroArchive(t, "sub", 4, 1<<20))
		for i := 0; i < 3; i++ {
			files[fmt.Sprintf("charts/sub%d-1.0.0.tgz", i)] = sub
		}
		dir := writeChart(t, files)
		_, err := chart.Loader{Limits: chart.Limits{MaxChartSize: 10 << 20}}.Load(dir)
		var lim *chart.LimitError
		if !errors.As(err, &lim) || lim.Limit != chart.LimitChartSize {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("subchart directories nested past the limit", func(t *testing.T) {
		files := map[string]string{"Chart.yaml": minimalChart}
		p := ""
		for i := 0; i < 6; i++ {
			p += fmt.Sprintf("charts/c%d/", i)
			files[p+"Chart.yaml"] = fmt.Sprintf("apiVersion: v2\nname: c%d\nversion: 1.0.0\n", i)
		}
		dir := writeChart(t, files)
		if _, err := (chart.Loader{Limits: chart.Limits{MaxDepth: 6}}).Load(dir); err != nil {
			t.Fatal(err)
		}
		_, err := chart.Loader{Limits: chart.Limits{MaxDepth: 5}}.Load(dir)
		var lim *chart.LimitError
		if !errors.As(err, &lim) || lim.Limit != chart.LimitDepth {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a symbolic link to an enclosing directory", func(t *testing.T) {
		dir := writeChart(t, map[string]string{"Chart.yaml": minimalChart, "templates/a.yaml": "kind: A"})
		if err := os.Symlink("..", filepath.Join(dir, "templates", "loop")); err != nil {
			t.Fatal(err)
		}
		_, err := chart.Load(dir)
		if err == nil || !strings.Contains(err.Error(), "templates/loop: symbolic link to a directory that contains it") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a link to an endless file", func(t *testing.T) {
		if _, err := os.Stat("/dev/zero"); err != nil {
			t.Skip("no /dev/zero")
		}
		dir := writeChart(t, map[string]string{"Chart.yaml": minimalChart})
		if err := os.Symlink("/dev/zero", filepath.Join(dir, ".helmignore")); err != nil {
			t.Fatal(err)
		}
		if _, err := chart.Load(dir); err == nil || !strings.Contains(err.Error(), ".helmignore") {
			t.Fatalf("got %v", err)
		}
	})
}

// TestFileDependencyCycles: a file:// dependency that leads back to a chart
// being loaded once grew memory without limit (5 GB in 34 s).
func TestFileDependencyCycles(t *testing.T) {
	dep := func(name, repo string) string {
		return fmt.Sprintf("apiVersion: v2\nname: %s\nversion: 0.1.0\ndependencies:\n- name: %s\n  version: 0.1.0\n  repository: %s\n", "NAME", name, repo)
	}
	chartYAML := func(name, depName, repo string) string {
		return strings.Replace(dep(depName, repo), "NAME", name, 1)
	}
	cases := []struct {
		name  string
		files map[string]string
		links map[string]string
		load  string
		cycle string
	}{
		{"two charts", map[string]string{
			"a/Chart.yaml": chartYAML("a", "b", "file://../b"),
			"b/Chart.yaml": chartYAML("b", "a", "file://../a"),
		}, nil, "a", "a -> b -> a"},
		{"itself", map[string]string{
			"a/Chart.yaml": chartYAML("a", "a", "file://."),
		}, nil, "a", "a -> a"},
		{"three charts, one through a symbolic link", map[string]string{
			"a/Chart.yaml": chartYAML("a", "b", "file://../b"),
			"b/Chart.yaml": chartYAML("b", "c", "file://../c"),
			"c/Chart.yaml": chartYAML("c", "a", "file://../alias"),
		}, map[string]string{"alias": "a"}, "a", "a -> b -> c -> a"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for name, content := range tc.files {
				p := filepath.Join(root, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for link, target := range tc.links {
				if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
					t.Fatal(err)
				}
			}
			var err error
			peak, _ := peakHeap(func() { _, err = chart.Load(filepath.Join(root, tc.load)) })
			var cyc *chart.DependencyCycleError
			if !errors.As(err, &cyc) {
				t.Fatalf("got %v, want a DependencyCycleError", err)
			}
			real, _ := filepath.EvalSymlinks(root)
			if got := strings.ReplaceAll(strings.Join(cyc.Cycle, " -> "), real+string(filepath.Separator), ""); got != tc.cycle {
				t.Errorf("cycle %s, want %s", got, tc.cycle)
			}
			if !strings.Contains(err.Error(), "file:// dependencies form a cycle") {
				t.Errorf("error: %v", err)
			}
			if peak > 64<<20 {
				t.Errorf("peak heap %d MB", peak>>20)
			}
		})
	}
}

// TestVendoredDependencyBreaksNoCycle: a dependency vendored under charts/
// wins over its file:// path, so charts that name each other are fine then.
func TestVendoredDependencyBreaksNoCycle(t *testing.T) {
	root := t.TempDir()
	b := makeArchive(t, []tarEntry{{name: "b/Chart.yaml", body: "apiVersion: v2\nname: b\nversion: 0.1.0\n"}})
	for name, content := range map[string]string{
		"a/Chart.yaml":         "apiVersion: v2\nname: a\nversion: 0.1.0\ndependencies:\n- name: b\n  version: 0.1.0\n  repository: file://../b\n",
		"a/charts/b-0.1.0.tgz": string(b),
		"b/Chart.yaml":         "apiVersion: v2\nname: b\nversion: 0.1.0\ndependencies:\n- name: a\n  version: 0.1.0\n  repository: file://../a\n",
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := chart.Load(filepath.Join(root, "a")); err != nil {
		t.Fatal(err)
	}
}
