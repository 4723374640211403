package chart_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	helmloader "helm.sh/helm/v3/pkg/chart/loader"
	helmchartutil "helm.sh/helm/v3/pkg/chartutil"

	"github.com/kpkg/kpkg/pkg/chart"
)

const demoChart = "../../testdata/repo/demo"

func archive(t *testing.T, dir string, opts chart.ArchiveOptions) []byte {
	t.Helper()
	c, err := chart.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := chart.WriteArchive(context.Background(), &buf, c, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type entry struct {
	Name string
	Data string
}

// entries lists an archive's members in order, checking the headers that
// make it reproducible.
func entries(t *testing.T, data []byte, checkHeaders bool) []entry {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if checkHeaders && (!gz.ModTime.IsZero() || gz.Name != "") {
		t.Errorf("gzip header carries name %q / time %v; want neither", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	var out []entry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if checkHeaders && (h.Uid != 0 || h.Gid != 0 || h.Mode != 0o644 || !h.ModTime.Equal(time.Unix(0, 0))) {
			t.Errorf("%s: uid %d gid %d mode %o mtime %v; want 0 0 644 epoch", h.Name, h.Uid, h.Gid, h.Mode, h.ModTime)
		}
		b, _ := io.ReadAll(tr)
		out = append(out, entry{h.Name, string(b)})
	}
}

// TestWriteArchiveReproducible packages the same chart from two copies with
// different file dates and expects identical bytes.
func TestWriteArchiveReproducible(t *testing.T) {
	first := archive(t, demoChart, chart.ArchiveOptions{})
	copyDir := filepath.Join(t.TempDir(), "demo")
	if err := os.CopyFS(copyDir, os.DirFS(demoChart)); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(48 * time.Hour)
	_ = filepath.Walk(copyDir, func(p string, _ os.FileInfo, _ error) error { return os.Chtimes(p, later, later) })
	second := archive(t, copyDir, chart.ArchiveOptions{})
	if !bytes.Equal(first, second) {
		t.Fatalf("archives of the same chart differ (%d vs %d bytes)", len(first), len(second))
	}
	entries(t, first, true)

	dated := archive(t, demoChart, chart.ArchiveOptions{ModTime: time.Unix(1700000000, 0)})
	if bytes.Equal(first, dated) {
		t.Error("ModTime did not change the archive")
	}
}

// TestWriteArchiveLayout checks Helm's layout and .helmignore.
func TestWriteArchiveLayout(t *testing.T) {
	var names []string
	for _, e := range entries(t, archive(t, demoChart, chart.ArchiveOptions{}), false) {
		names = append(names, e.Name)
	}
	want := []string{
		"demo/Chart.yaml", "demo/values.yaml",
		"demo/templates/_helpers.tpl", "demo/templates/configmap.yaml",
		"demo/.helmignore", "demo/README.md", "demo/crds/widget.yaml",
		"demo/charts/sub/Chart.yaml", "demo/charts/sub/values.yaml", "demo/charts/sub/templates/svc.yaml",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("entries:\n got %q\nwant %q", names, want)
	}
}

// TestWriteArchiveMatchesHelm compares names and contents, in order, with
// what Helm's chartutil.Save writes for the same directory.
func TestWriteArchiveMatchesHelm(t *testing.T) {
	hc, err := helmloader.LoadDir(demoChart)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	helmPath, err := helmchartutil.Save(hc, dir)
	if err != nil {
		t.Fatal(err)
	}
	helmData, err := os.ReadFile(helmPath)
	if err != nil {
		t.Fatal(err)
	}
	got := entries(t, archive(t, demoChart, chart.ArchiveOptions{}), false)
	want := entries(t, helmData, false)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kpkg and Helm archives differ:\n kpkg %v\n helm %v", got, want)
	}
}

// TestWriteArchiveRoundTrip loads the archive back and expects the chart
// loaded from the directory.
func TestWriteArchiveRoundTrip(t *testing.T) {
	fromDir, err := chart.LoadDir(demoChart)
	if err != nil {
		t.Fatal(err)
	}
	fromArchive, err := chart.LoadArchive("demo.tgz", bytes.NewReader(archive(t, demoChart, chart.ArchiveOptions{})))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := flatten(fromDir), flatten(fromArchive); !reflect.DeepEqual(a, b) {
		t.Errorf("round trip changed the chart:\n dir     %v\n archive %v", a, b)
	}
}

// flatten describes a chart tree by its parsed parts.
func flatten(c *chart.Chart) map[string]any {
	out := map[string]any{"metadata": c.Metadata, "values": c.Values, "schema": string(c.Schema), "lock": c.Lock}
	for _, f := range c.Templates {
		out["templates/"+f.Name] = string(f.Data)
	}
	for _, f := range c.Files {
		out["files/"+f.Name] = string(f.Data)
	}
	for _, d := range c.Dependencies() {
		out["dep/"+d.Name()] = flatten(d)
	}
	return out
}

func TestArchiveName(t *testing.T) {
	c, err := chart.LoadDir(demoChart)
	if err != nil {
		t.Fatal(err)
	}
	if got := chart.ArchiveName(c); got != "demo-1.2.3.tgz" {
		t.Errorf("ArchiveName = %q", got)
	}
}
