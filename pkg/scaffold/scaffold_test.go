package scaffold

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/lint"
	"github.com/kpkg/kpkg/pkg/render"
)

func create(t *testing.T, dir string, opts Options) string {
	t.Helper()
	out, err := Create(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// listFiles returns the regular files under dir, slash-separated and sorted.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestSkeletonLayout(t *testing.T) {
	dir := create(t, filepath.Join(t.TempDir(), "deep", "parents", "web"), Options{})
	want := []string{
		".helmignore", "Chart.yaml",
		"templates/NOTES.txt", "templates/_helpers.tpl", "templates/deployment.yaml",
		"templates/hpa.yaml", "templates/httproute.yaml", "templates/ingress.yaml",
		"templates/service.yaml", "templates/serviceaccount.yaml",
		"templates/tests/test-connection.yaml", "values.yaml",
	}
	if got := listFiles(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("files:\n got %q\nwant %q", got, want)
	}
	for _, f := range want {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s has mode %v, want 0644", f, fi.Mode().Perm())
		}
		data, _ := os.ReadFile(filepath.Join(dir, f))
		if strings.Contains(string(data), Placeholder) {
			t.Errorf("%s still holds %s", f, Placeholder)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "charts")); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o755 {
		t.Errorf("charts/ missing or not 0755: %v %v", fi, err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o755 {
		t.Errorf("chart directory has mode %v, want 0755", fi.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".web-*")); len(leftovers) > 0 {
		t.Errorf("temporary directories left behind: %q", leftovers)
	}
	c, err := chart.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "web" || c.Metadata.APIVersion != chart.APIVersionV2 || c.Metadata.Version != "0.1.0" {
		t.Errorf("Chart.yaml: %+v", c.Metadata)
	}
}

// featureValues turns on every optional part of the skeleton.
var featureValues = map[string]any{
	"ingress":        map[string]any{"enabled": true, "className": "nginx", "tls": []any{map[string]any{"secretName": "tls", "hosts": []any{"web.example.local"}}}},
	"httpRoute":      map[string]any{"enabled": true},
	"autoscaling":    map[string]any{"enabled": true, "targetMemoryUtilizationPercentage": 70},
	"serviceAccount": map[string]any{"create": false, "name": "builder"},
	"podAnnotations": map[string]any{"example.com/scrape": "true"},
	"podLabels":      map[string]any{"tier": "web"},
	"resources":      map[string]any{"requests": map[string]any{"cpu": "100m", "memory": "64Mi"}},
	"service":        map[string]any{"type": "NodePort"},
}

// TestSkeletonPassesStrictLintAndRenders is the promise kpkg create makes:
// with its defaults and with every option on, the chart lints clean under
// --strict (no warning, no missing value) and renders the expected objects.
func TestSkeletonPassesStrictLintAndRenders(t *testing.T) {
	dir := create(t, filepath.Join(t.TempDir(), "web"), Options{})
	tests := []struct {
		name  string
		vals  map[string]any
		kinds []string
	}{
		{"defaults", nil, []string{"ServiceAccount", "Service", "Deployment", "Pod"}},
		{"every-option", featureValues, []string{"Service", "Deployment", "HorizontalPodAutoscaler", "Ingress", "HTTPRoute", "Pod"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := lint.Lint(context.Background(), dir, lint.Options{Strict: true, Values: tt.vals})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Findings {
				if f.Severity > lint.Info {
					t.Errorf("lint --strict: %s", f)
				}
			}
			if res.Failed() {
				t.Error("lint --strict failed")
			}
			c, err := chart.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			out, err := render.Render(context.Background(), c, tt.vals, render.Options{Release: render.Release{Name: "shop", Namespace: "web"}, Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, m := range out.Manifests {
				kinds = append(kinds, m.Head.Kind)
			}
			for _, h := range out.Hooks {
				kinds = append(kinds, h.Kind)
			}
			if !reflect.DeepEqual(kinds, tt.kinds) {
				t.Errorf("rendered kinds %q, want %q", kinds, tt.kinds)
			}
			if !strings.Contains(out.Notes, `release "shop" in namespace "web"`) {
				t.Errorf("NOTES.txt did not render: %q", out.Notes)
			}
		})
	}
}

func TestCreateIntoExistingDirectories(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "web")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		create(t, dir, Options{})
		if _, err := os.Stat(filepath.Join(dir, "Chart.yaml")); err != nil {
			t.Error(err)
		}
	})
	t.Run("chart", func(t *testing.T) {
		dir := create(t, filepath.Join(t.TempDir(), "web"), Options{})
		mine := filepath.Join(dir, "templates", "configmap.yaml")
		if err := os.WriteFile(mine, []byte("kept"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "values.yaml"), []byte("edited: true\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		var warnings []string
		create(t, dir, Options{Warn: func(f string, a ...any) { warnings = append(warnings, f) }})
		if data, _ := os.ReadFile(mine); string(data) != "kept" {
			t.Error("a file of the chart that the skeleton does not have was touched")
		}
		if data, _ := os.ReadFile(filepath.Join(dir, "values.yaml")); strings.Contains(string(data), "edited") {
			t.Error("values.yaml was not replaced")
		}
		if len(warnings) != 12 {
			t.Errorf("%d overwrite warnings, want one per skeleton file (12)", len(warnings))
		}
	})
	t.Run("unrelated", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "web")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Create(context.Background(), dir, Options{})
		if err == nil || !strings.Contains(err.Error(), "not empty and holds no Chart.yaml") {
			t.Fatalf("err = %v, want a refusal", err)
		}
		if got := listFiles(t, dir); !reflect.DeepEqual(got, []string{"notes.txt"}) {
			t.Errorf("directory changed: %q", got)
		}
	})
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "web")
		if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Create(context.Background(), path, Options{}); err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("err = %v, want 'not a directory'", err)
		}
	})
}

func TestValidateName(t *testing.T) {
	for name, ok := range map[string]bool{
		"web": true, "my-app_2.0": true, "Web": true,
		"": false, "a b": false, "a/b": false, "..": false, "naïve": false, strings.Repeat("a", 251): false,
	} {
		if err := ValidateName(name); (err == nil) != ok {
			t.Errorf("ValidateName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
	if _, err := Create(context.Background(), filepath.Join(t.TempDir(), "a b"), Options{}); err == nil {
		t.Error("Create accepted an invalid name")
	}
}

func TestStarter(t *testing.T) {
	starter := filepath.Join(t.TempDir(), "starter")
	files := map[string]string{
		"Chart.yaml":               "apiVersion: v2\nname: starter\nversion: 9.9.9\n",
		"values.yaml":              "name: <CHARTNAME>\n",
		"templates/cm.yaml":        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}-<CHARTNAME>\n",
		"README.md":                "About <CHARTNAME>.\n",
		"charts/dep/Chart.yaml":    "apiVersion: v2\nname: dep\nversion: 0.1.0\n",
		"templates/_helpers.tpl":   `{{- define "<CHARTNAME>.x" }}x{{ end }}` + "\n",
		"templates/tests/t.yaml":   "# <CHARTNAME>\n",
		"crds/noop.yaml":           "# none\n",
		"templates/NOTES.txt":      "<CHARTNAME> installed\n",
		"templates/svc/extra.yaml": "# <CHARTNAME>\n",
	}
	for name, data := range files {
		p := filepath.Join(starter, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := create(t, filepath.Join(t.TempDir(), "shop"), Options{Starter: starter})
	c, err := chart.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "shop" || c.Metadata.Version != "0.1.0" {
		t.Errorf("Chart.yaml not written afresh: %+v", c.Metadata)
	}
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	for name, want := range map[string]string{
		"values.yaml":           "name: shop\n",
		"templates/cm.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}-shop\n",
		"templates/NOTES.txt":   "shop installed\n",
		"README.md":             "About <CHARTNAME>.\n",
		"charts/dep/Chart.yaml": files["charts/dep/Chart.yaml"],
	} {
		if got := read(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if _, err := Create(context.Background(), filepath.Join(t.TempDir(), "x"), Options{Starter: filepath.Join(starter, "nope")}); err == nil || !strings.Contains(err.Error(), "could not load starter") {
		t.Errorf("missing starter: err = %v", err)
	}
}

func TestResolveStarter(t *testing.T) {
	dir := filepath.FromSlash("/data/starters")
	tests := []struct {
		starter string
		want    string
	}{
		{"/abs/starter", "/abs/starter"},
		{"web", filepath.Join(dir, "web")},
	}
	for _, tt := range tests {
		if got := ResolveStarter(tt.starter, dir); got != tt.want {
			t.Errorf("ResolveStarter(%q) = %q, want %q", tt.starter, got, tt.want)
		}
	}
	local := t.TempDir()
	if got := ResolveStarter(local, dir); got != local {
		t.Errorf("an existing path resolved to %q", got)
	}
}
