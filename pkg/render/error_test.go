package render_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
)

// TestParseKubeVersionLikeHelm compares ParseKubeVersion with Helm's own
// parser on the forms users pass to --kube-version.
func TestParseKubeVersionLikeHelm(t *testing.T) {
	for _, in := range []string{"1.28", "v1.28", "v1.28+", "1.28.3", "v1.30.2-gke.1100", "1.28.3+k3s1", "2.0.0", "1", "v", "x1.28", "", "01.2"} {
		want, herr := chartutil.ParseKubeVersion(in)
		got, err := render.ParseKubeVersion(in)
		if (herr == nil) != (err == nil) {
			t.Errorf("%q: kpkg error %v, Helm error %v", in, err, herr)
			continue
		}
		if herr != nil {
			if want := "invalid kube version '" + in + "': " + herr.Error(); err.Error() != want {
				t.Errorf("%q: error %q, want %q", in, err, want)
			}
			continue
		}
		if got.Version != want.Version || got.Major != want.Major || got.Minor != want.Minor {
			t.Errorf("%q: %+v, Helm %+v", in, got, *want)
		}
	}
}

func loadFiles(t *testing.T, files map[string]string) *chart.Chart {
	t.Helper()
	var fs []*chart.File
	for name, data := range files {
		fs = append(fs, &chart.File{Name: name, Data: []byte(data)})
	}
	c, err := chart.LoadFiles("test", fs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A document that is not YAML fails the render with every template's
// output attached, so that the caller can show it as helm template --debug
// does.
func TestInvalidYAMLCarriesOutput(t *testing.T) {
	c := loadFiles(t, map[string]string{
		"Chart.yaml":           "apiVersion: v2\nname: bad\nversion: 0.1.0\n",
		"templates/a.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
		"templates/bad.yaml":   "kind: ConfigMap\ndata:\n  a: b\n  - c\n",
		"templates/empty.yaml": "{{- if false }}x{{ end }}",
		"templates/NOTES.txt":  "notes",
	})
	_, err := render.Render(context.Background(), c, nil, render.Options{Release: render.Release{Name: "r"}})
	var rerr *render.Error
	if !errors.As(err, &rerr) {
		t.Fatalf("error %v (%T) is not a *render.Error", err, err)
	}
	want := []render.RenderedFile{
		{Name: "bad/templates/a.yaml", Content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r\n"},
		{Name: "bad/templates/bad.yaml", Content: "kind: ConfigMap\ndata:\n  a: b\n  - c\n"},
	}
	if !reflect.DeepEqual(rerr.Output, want) {
		t.Errorf("output %+v, want %+v", rerr.Output, want)
	}
	if got := err.Error(); got[:len("YAML parse error on bad/templates/bad.yaml")] != "YAML parse error on bad/templates/bad.yaml" {
		t.Errorf("message %q", got)
	}
}

// A template that fails is a render error without output; a values error
// is not a render error.
func TestRenderErrorKinds(t *testing.T) {
	c := loadFiles(t, map[string]string{
		"Chart.yaml":       "apiVersion: v2\nname: f\nversion: 0.1.0\n",
		"templates/f.yaml": `{{ fail "boom" }}`,
	})
	_, err := render.Render(context.Background(), c, nil, render.Options{})
	var rerr *render.Error
	if !errors.As(err, &rerr) || rerr.Output != nil {
		t.Errorf("fail: %v (%T)", err, err)
	}
	c = loadFiles(t, map[string]string{
		"Chart.yaml":         "apiVersion: v2\nname: s\nversion: 0.1.0\n",
		"values.schema.json": `{"type":"object","required":["x"]}`,
		"templates/a.yaml":   "a: b\n",
	})
	_, err = render.Render(context.Background(), c, nil, render.Options{})
	if err == nil || errors.As(err, &rerr) {
		t.Errorf("schema: %v (%T)", err, err)
	}
}
