package render_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
	"github.com/kpkg/kpkg/pkg/values"
)

var update = flag.Bool("update", false, "rewrite golden files with kpkg's output")

// renderCase is one render of a test chart. Every case is also rendered with
// Helm's own library (helm_oracle_test.go), so a golden can only hold what
// Helm prints.
type renderCase struct {
	name        string
	chart       string
	release     string
	namespace   string
	files       []string
	set         []string
	includeCRDs bool
	isUpgrade   bool
	// wantErr is a substring of the expected error; no golden then.
	wantErr string
}

var renderCases = []renderCase{
	{name: "umbrella-defaults", chart: "umbrella", release: "rel", namespace: "ns"},
	{name: "umbrella-override", chart: "umbrella", release: "rel", namespace: "ns",
		files: []string{"override.yaml"}, set: []string{"web.message=from-set", "bigNumber=12345678", "global.adminEnabled=true"}},
	{name: "umbrella-crds-upgrade", chart: "umbrella", release: "other", namespace: "prod", includeCRDs: true, isUpgrade: true,
		set: []string{"web.enabled=false"}},
	{name: "required-fails", chart: "failing", release: "rel", namespace: "ns", wantErr: "execution error at (failing/templates/cm.yaml:5:12): name is required"},
	{name: "schema-fails", chart: "schema", release: "rel", namespace: "ns", set: []string{"replicas=many"},
		wantErr: "values don't meet the specifications of the schema(s) in the following chart(s):\nschema:\n"},
	{name: "schema-passes", chart: "schema", release: "rel", namespace: "ns", set: []string{"replicas=3"}},
	{name: "tpl", chart: "tpl", release: "rel", namespace: "ns"},
	{name: "tpl-parse-error", chart: "tpl", release: "rel", namespace: "ns", files: []string{"parse-error.yaml"},
		wantErr: `cannot parse template "{{ .Release.Name ": template: gotpl:1: unclosed action`},
	{name: "tpl-exec-error", chart: "tpl", release: "rel", namespace: "ns", files: []string{"exec-error.yaml"},
		wantErr: `error during tpl function execution for "{{ index .Values.list 5 }}"`},
}

func (rc renderCase) chartDir() string { return filepath.Join("testdata", "charts", rc.chart) }

func (rc renderCase) userValues(t *testing.T) map[string]any {
	t.Helper()
	opts := values.Options{Set: rc.set}
	for _, f := range rc.files {
		opts.Files = append(opts.Files, filepath.Join(rc.chartDir(), f))
	}
	vals, err := opts.Merge(context.Background())
	if err != nil {
		t.Fatalf("merge values: %v", err)
	}
	return vals
}

func kpkgRender(t *testing.T, rc renderCase) (string, error) {
	t.Helper()
	c, err := chart.Load(rc.chartDir())
	if err != nil {
		t.Fatalf("load %s: %v", rc.chart, err)
	}
	res, err := render.Render(context.Background(), c, rc.userValues(t), render.Options{
		Release: render.Release{Name: rc.release, Namespace: rc.namespace, IsUpgrade: rc.isUpgrade},
	})
	if err != nil {
		return "", err
	}
	return res.Stream(render.WriteOptions{IncludeCRDs: rc.includeCRDs}), nil
}

func TestRenderGolden(t *testing.T) {
	for _, rc := range renderCases {
		t.Run(rc.name, func(t *testing.T) {
			got, err := kpkgRender(t, rc)
			if rc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), rc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, rc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			golden := filepath.Join("testdata", "golden", rc.name+".yaml")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update to create it): %v", err)
			}
			if diff := lineDiff(string(want), got); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// lineDiff shows the first differing line with some context, "" if equal.
func lineDiff(want, got string) string {
	if want == got {
		return ""
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			return "line " + strconv.Itoa(i+1) + ":\n-" + w + "\n+" + g
		}
	}
	return "outputs differ in length"
}
