package chart_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/chart"
)

// writeChart creates a chart directory from name→content pairs.
func writeChart(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const minimalChart = "apiVersion: v2\nname: demo\nversion: 0.1.0\n"

func TestLoadDirClassifiesFiles(t *testing.T) {
	dir := writeChart(t, map[string]string{
		"Chart.yaml":                 minimalChart,
		"values.yaml":                "replicas: 2\nbig: 12345678\n",
		"values.schema.json":         `{"type":"object"}`,
		"templates/a.yaml":           "kind: A",
		"templates/.hidden":          "ignored by default rule",
		"crds/c.yaml":                "kind: CustomResourceDefinition",
		"files/x.txt":                "x",
		"files/skip.bak":             "ignored by .helmignore",
		".helmignore":                "*.bak\n",
		"charts/sub/Chart.yaml":      "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
		"charts/sub/templates/b":     "b",
		"charts/_ignored/Chart.yaml": "not a chart",
	})
	c, err := chart.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(c.Templates); got != "templates/a.yaml" {
		t.Errorf("templates = %s", got)
	}
	if got := names(c.Files); got != ".helmignore,crds/c.yaml,files/x.txt" {
		t.Errorf("files = %s", got)
	}
	if c.Values["big"] != float64(12345678) {
		t.Errorf("numbers from values.yaml must be float64 as in Helm, got %T", c.Values["big"])
	}
	if len(c.Dependencies()) != 1 || c.Dependencies()[0].FullPath() != "demo/charts/sub" {
		t.Errorf("subcharts = %v", c.Dependencies())
	}
	if crds := c.CRDs(); len(crds) != 1 || crds[0].Filename != "demo/crds/c.yaml" {
		t.Errorf("crds = %+v", crds)
	}
	if string(c.Schema) != `{"type":"object"}` {
		t.Errorf("schema = %q", c.Schema)
	}
}

func names(files []*chart.File) string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return strings.Join(out, ",")
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string
	}{
		{"bad version in subchart", map[string]string{
			"Chart.yaml":            minimalChart,
			"charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.x\n",
		}, `charts/web/Chart.yaml: version "1.x" is not SemVer 2`},
		{"missing Chart.yaml", map[string]string{"values.yaml": "a: 1"}, "Chart.yaml: file is missing"},
		{"no name", map[string]string{"Chart.yaml": "apiVersion: v2\nversion: 1.0.0\n"}, "Chart.yaml: name is required"},
		{"bad values", map[string]string{"Chart.yaml": minimalChart, "values.yaml": "a: [1"}, "values.yaml: cannot parse values"},
		{"bad type", map[string]string{"Chart.yaml": minimalChart + "type: plugin\n"}, `Chart.yaml: type "plugin" must be application or library`},
		{"duplicate alias", map[string]string{"Chart.yaml": minimalChart + "dependencies:\n- {name: a, repository: x, alias: b}\n- {name: b, repository: y}\n"},
			`more than one dependency with name or alias "b"`},
		{"double star ignore", map[string]string{"Chart.yaml": minimalChart, ".helmignore": "**/x\n"}, ".helmignore: line 1: double-star"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeChart(t, tt.files)
			_, err := chart.Load(dir)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

type tarEntry struct {
	name     string
	body     string
	typeflag byte
	linkname string
	size     int64 // header size when it should differ from len(body)
}

func makeArchive(t *testing.T, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		typ := e.typeflag
		if typ == 0 {
			typ = tar.TypeReg
		}
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: typ, Linkname: e.linkname, Size: int64(len(e.body))}
		if typ != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestArchiveSafety(t *testing.T) {
	good := []tarEntry{{name: "demo/Chart.yaml", body: minimalChart}, {name: "demo/templates/a.yaml", body: "kind: A"}}
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"valid", makeArchive(t, good), ""},
		{"dot-dot", makeArchive(t, append(good, tarEntry{name: "demo/../../etc/passwd", body: "x"})), `entry "demo/../../etc/passwd": path leaves the chart directory`},
		{"absolute", makeArchive(t, append(good, tarEntry{name: "/etc/passwd", body: "x"})), "absolute paths are not allowed"},
		{"symlink", makeArchive(t, append(good, tarEntry{name: "demo/link", typeflag: tar.TypeSymlink, linkname: "/etc/passwd"})), "links are not allowed"},
		{"hardlink", makeArchive(t, append(good, tarEntry{name: "demo/link", typeflag: tar.TypeLink, linkname: "demo/Chart.yaml"})), "links are not allowed"},
		{"too large", makeArchive(t, append(good, tarEntry{name: "demo/big", body: strings.Repeat("x", chart.MaxFileSize+1)})), `entry "demo/big": file is larger than the 5242880 bytes allowed`},
		{"not gzip", []byte("plain text"), "not a gzip archive"},
		{"truncated", makeArchive(t, good)[:40], "demo.tgz"},
		{"empty", makeArchive(t, nil), "archive holds no chart files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := chart.LoadArchive("demo.tgz", bytes.NewReader(tt.data))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.Name() != "demo" || len(c.Templates) != 1 {
					t.Fatalf("loaded %s with %d templates", c.Name(), len(c.Templates))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "demo.tgz") {
				t.Errorf("error %q does not name the archive", err)
			}
			if !errors.Is(err, chart.ErrInvalidChart) {
				t.Errorf("error %v is not ErrInvalidChart", err)
			}
		})
	}
}

func TestSubchartArchiveNested(t *testing.T) {
	inner := makeArchive(t, []tarEntry{{name: "inner/Chart.yaml", body: "apiVersion: v2\nname: inner\nversion: 1.0.0\n"}})
	mid := makeArchive(t, []tarEntry{
		{name: "mid/Chart.yaml", body: "apiVersion: v2\nname: mid\nversion: 1.0.0\n"},
		{name: "mid/charts/inner-1.0.0.tgz", body: string(inner)},
	})
	dir := writeChart(t, map[string]string{"Chart.yaml": minimalChart, "charts/mid-1.0.0.tgz": string(mid)})
	c, err := chart.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Dependencies()) != 1 || len(c.Dependencies()[0].Dependencies()) != 1 {
		t.Fatalf("nested archives not loaded")
	}
	if got := c.Dependencies()[0].Dependencies()[0].FullPath(); got != "demo/charts/mid/charts/inner" {
		t.Errorf("full path = %s", got)
	}
}

func TestLocalFileDependencyResolved(t *testing.T) {
	root := t.TempDir()
	for name, content := range map[string]string{
		"app/Chart.yaml": minimalChart + "dependencies:\n- name: db\n  version: 1.0.0\n  repository: file://../db\n",
		"db/Chart.yaml":  "apiVersion: v2\nname: db\nversion: 1.0.0\n",
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := chart.Load(filepath.Join(root, "app"))
	if err != nil {
		t.Fatal(err)
	}
	if err := chart.CheckDependencies(c); err != nil {
		t.Fatal(err)
	}
	if got := c.Dependencies()[0].FullPath(); got != "demo/charts/db" {
		t.Errorf("full path = %s", got)
	}
	// Loaded from its path, not vendored: what Helm's package counts as
	// missing.
	if !c.Dependencies()[0].LoadedFromPath() {
		t.Error("the file:// dependency is not marked as loaded from its path")
	}
	var missing *chart.MissingDependenciesError
	if err := chart.CheckVendoredDependencies(c); !errors.As(err, &missing) || strings.Join(missing.Missing, ",") != "db" {
		t.Errorf("CheckVendoredDependencies = %v", err)
	}
	// Once vendored, the copy in charts/ wins and counts.
	if err := os.CopyFS(filepath.Join(root, "app", "charts", "db"), os.DirFS(filepath.Join(root, "db"))); err != nil {
		t.Fatal(err)
	}
	if c, err = chart.Load(filepath.Join(root, "app")); err != nil {
		t.Fatal(err)
	}
	if c.Dependencies()[0].LoadedFromPath() || chart.CheckVendoredDependencies(c) != nil {
		t.Errorf("vendored dependency: from path %v, %v", c.Dependencies()[0].LoadedFromPath(), chart.CheckVendoredDependencies(c))
	}
}
