package lint

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// packDir writes dir as a chart archive (every file under "<name>/").
func packDir(t *testing.T, dir, name string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name+"-0.1.0.tgz")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	err = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		hdr := &tar.Header{Name: name + "/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []interface{ Close() error }{tw, gz, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestArchiveLintsLikeItsDirectory: a packaged chart gets the same findings
// as the directory it was packed from.
func TestArchiveLintsLikeItsDirectory(t *testing.T) {
	for _, name := range []string{"good", "types", "chartfile-fields", "values-schema"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(testdata, name)
			fromDir, err := Lint(context.Background(), dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			fromArchive, err := Lint(context.Background(), packDir(t, dir, name), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if a, b := messages(fromDir), messages(fromArchive); !reflect.DeepEqual(a, b) {
				t.Errorf("directory:\n%q\narchive:\n%q", a, b)
			}
		})
	}
}

// messages drops the origin-specific part (the loader names the directory
// or archive in "unable to load chart").
func messages(r *Result) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Path == templatesDir && f.Severity == Error {
			out = append(out, f.Severity.String()+" "+f.Path)
			continue
		}
		out = append(out, f.String())
	}
	return out
}

func TestArchiveWithoutChart(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "values.yaml"), []byte("a: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Lint(context.Background(), packDir(t, dir, "empty"), Options{}); err == nil {
		t.Error("linting an archive without Chart.yaml succeeded")
	}
}

func TestSubcharts(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"charts/a/Chart.yaml", "charts/a/charts/b/Chart.yaml", "charts/c-0.1.0.tgz", "charts/notes.txt"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := Subcharts([]string{dir, filepath.Join(testdata, "good")})
	want := []string{
		filepath.Join(dir, "charts", "a"),
		filepath.Join(dir, "charts", "a", "charts", "b"),
		filepath.Join(dir, "charts", "c-0.1.0.tgz"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Subcharts = %q, want %q", got, want)
	}
}
