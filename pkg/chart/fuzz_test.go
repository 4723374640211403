package chart_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	helmloader "helm.sh/helm/v3/pkg/chart/loader"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/internal/fuzzcheck"
)

// fuzzLimits keep one fuzzed load small, so that the memory bound means
// something and iterations stay fast.
var fuzzLimits = chart.Limits{MaxChartSize: 2 << 20, MaxFileSize: 1 << 20, MaxFiles: 500, MaxDepth: 5}

// seedCharts are chart directories for the seed corpora: the repository's
// test charts and the shared corpus's smaller charts.
func seedCharts(t testing.TB) []string {
	dirs := []string{"../../testdata/repo/demo", "../../charts/todo-app", "../render/testdata/charts/umbrella", "../render/testdata/charts/tpl", "../render/testdata/charts/schema"}
	for _, d := range fuzzcheck.CorpusCharts("pkg/chart", 0) {
		if archiveOf(t, d) != nil {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// archiveOf packs the chart in dir, or nil when it does not load or packs
// to more than 200 KB (large seeds slow every fuzzing iteration).
func archiveOf(t testing.TB, dir string) []byte {
	c, err := chart.Load(dir)
	if err != nil {
		return nil
	}
	var buf bytes.Buffer
	if err := chart.WriteArchive(context.Background(), &buf, c, chart.ArchiveOptions{}); err != nil || buf.Len() > 200<<10 {
		return nil
	}
	return buf.Bytes()
}

// inflated is how many bytes data inflates to, up to limit.
func inflated(data []byte, limit int64) int64 {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return 0
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(zr, limit))
	return n
}

// checkLoaded fails when a loaded chart holds a file whose name could
// leave the chart directory.
func checkLoaded(t *testing.T, c *chart.Chart) {
	t.Helper()
	for _, f := range c.Raw {
		if f.Name == "" || path.IsAbs(f.Name) || strings.Contains(f.Name, `\`) || path.Clean(f.Name) != f.Name || strings.HasPrefix(f.Name, "../") || f.Name == ".." {
			t.Fatalf("loaded a file named %q", f.Name)
		}
	}
	for _, d := range c.Dependencies() {
		checkLoaded(t, d)
	}
}

// FuzzLoadArchive feeds the archive loader arbitrary bytes: it must not
// panic, must fail with an ErrInvalidChart naming the archive, must keep
// every file inside the chart, and must cost memory in proportion to what
// the archive inflates to, within the limits.
func FuzzLoadArchive(f *testing.F) {
	for _, dir := range seedCharts(f) {
		if data := archiveOf(f, dir); data != nil {
			f.Add(data)
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0x1f, 0x8b, 0x08})
	f.Fuzz(func(t *testing.T, data []byte) {
		var c *chart.Chart
		var err error
		n := inflated(data, fuzzLimits.MaxChartSize+1)
		fuzzcheck.Bounded(t, int(n)+len(data), 64, 16<<20, func() {
			c, err = chart.Loader{Limits: fuzzLimits}.LoadArchive("fuzz.tgz", bytes.NewReader(data))
		})
		if err != nil {
			if !errors.Is(err, chart.ErrInvalidChart) || !strings.HasPrefix(err.Error(), "fuzz.tgz") {
				t.Fatalf("error is not an invalid chart naming the archive: %v", err)
			}
			return
		}
		checkLoaded(t, c)
	})
}

// FuzzLoadDir builds a chart directory from a txtar-like description
// ("-- name --" lines, then the file's content; "-- name -> target --"
// makes a symbolic link) and loads it: no panic, bounded memory, and every
// file inside the chart.
func FuzzLoadDir(f *testing.F) {
	f.Add([]byte("-- Chart.yaml --\napiVersion: v2\nname: a\nversion: 1.0.0\n-- values.yaml --\nx: 1\n-- templates/cm.yaml --\nkind: ConfigMap\n"))
	f.Add([]byte("-- Chart.yaml --\napiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n- name: b\n  repository: file://../b\n-- templates/loop -> .. --\n"))
	f.Add([]byte("-- Chart.yaml --\napiVersion: v2\nname: a\nversion: 1.0.0\n-- charts/b/Chart.yaml --\napiVersion: v2\nname: b\nversion: 1.0.0\n-- .helmignore --\n*.txt\n-- x.txt --\nignored\n"))
	f.Fuzz(func(t *testing.T, desc []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "chart")
		size := writeTree(t, dir, desc)
		var c *chart.Chart
		var err error
		fuzzcheck.Bounded(t, size, 64, 16<<20, func() {
			c, err = chart.Loader{Limits: fuzzLimits}.LoadDir(dir)
		})
		if err == nil {
			checkLoaded(t, c)
		}
	})
}

// writeTree writes the files desc describes under dir, keeping every path
// inside it, and returns their total size.
func writeTree(t *testing.T, dir string, desc []byte) int {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	size := 0
	parts := bytes.Split(desc, []byte("\n-- "))
	for i, part := range parts {
		if i == 0 {
			part = bytes.TrimPrefix(part, []byte("-- "))
		}
		header, body, _ := bytes.Cut(part, []byte("\n"))
		name, ok := bytes.CutSuffix(header, []byte(" --"))
		if !ok {
			continue
		}
		link, target, isLink := strings.Cut(string(name), " -> ")
		clean := path.Clean("/" + link)[1:]
		if clean == "" || len(clean) > 200 {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(clean))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			continue
		}
		if isLink {
			// Links may point anywhere inside the test's directory (loops,
			// other charts), never at the rest of the file system.
			resolved := filepath.Join(filepath.Dir(p), target)
			if !filepath.IsAbs(target) && strings.HasPrefix(resolved, filepath.Dir(dir)+string(filepath.Separator)) {
				_ = os.Symlink(target, p)
			}
			continue
		}
		if os.WriteFile(p, body, 0o644) == nil {
			size += len(body)
		}
	}
	return size
}

// FuzzChartFiles loads a chart made of Chart.yaml and, when not empty,
// Chart.lock, requirements.yaml and values.yaml: kpkg must accept exactly
// the charts Helm's loader.LoadFiles accepts.
func FuzzChartFiles(f *testing.F) {
	for _, dir := range seedCharts(f) {
		read := func(name string) []byte { b, _ := os.ReadFile(filepath.Join(dir, name)); return b }
		values := read("values.yaml")
		if len(values) > 16<<10 {
			values = nil
		}
		f.Add(read("Chart.yaml"), read("Chart.lock"), read("requirements.yaml"), values)
	}
	f.Add([]byte("apiVersion: v1\nname: a\nversion: 1.0.0\n"), []byte(""), []byte("dependencies:\n- name: b\n  version: 1.x\n  repository: https://example.com\n"), []byte("a: [1, 2]\n"))
	f.Add([]byte("name: a\nversion: 1.0\nmaintainers:\n- email: x\ndependencies:\n- name: b\n  alias: b.c\n"), []byte("generated: 2024-01-01\n"), []byte(""), []byte(""))
	f.Fuzz(func(t *testing.T, chartYAML, lock, requirements, values []byte) {
		files := []*chart.File{{Name: "Chart.yaml", Data: chartYAML}}
		for name, data := range map[string][]byte{"Chart.lock": lock, "requirements.yaml": requirements, "values.yaml": values} {
			if len(data) > 0 {
				files = append(files, &chart.File{Name: name, Data: data})
			}
		}
		var helmFiles []*helmloader.BufferedFile
		for _, f := range files {
			helmFiles = append(helmFiles, &helmloader.BufferedFile{Name: f.Name, Data: bytes.Clone(f.Data)})
		}
		var err, herr error
		fuzzcheck.Within(t, 10*time.Second, func() {
			fuzzcheck.Bounded(t, len(chartYAML)+len(lock)+len(requirements)+len(values), 256, 16<<20, func() {
				_, err = chart.Loader{Limits: fuzzLimits}.LoadFiles("fuzz", files)
			})
		})
		fuzzcheck.Within(t, 10*time.Second, func() { _, herr = helmloader.LoadFiles(helmFiles) })
		if (err == nil) != (herr == nil) {
			t.Fatalf("verdicts differ:\nkpkg: %v\nhelm: %v", err, herr)
		}
	})
}
