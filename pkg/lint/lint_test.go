package lint

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/render"
)

const testdata = "../../testdata/lint"

func kube(t *testing.T, v string) *render.KubeVersion {
	t.Helper()
	kv, err := render.ParseKubeVersion(v)
	if err != nil {
		t.Fatal(err)
	}
	return &kv
}

// TestChecks lints one small chart per check. Each case lists every finding
// above INFO that the chart must produce, in order, as the start of its
// printed form; anything else found is a failure, which is how each check is
// shown to stay quiet where it does not apply.
func TestChecks(t *testing.T) {
	tests := []struct {
		chart  string
		opts   Options
		want   []string
		failed bool
	}{
		{chart: "good"},
		{chart: "good", opts: Options{Strict: true}},
		{chart: "good", opts: Options{Values: map[string]any{"replicas": 0}}, failed: true, want: []string{
			"[ERROR] values.yaml: - at '/replicas': minimum: got 0, want 1",
			"[ERROR] templates/: values don't meet the specifications",
		}},
		{chart: "chartfile-fields", failed: true, want: []string{
			"[ERROR] Chart.yaml: version '1.x' is not a valid SemVer",
			"[ERROR] Chart.yaml: each maintainer requires a name",
			"[ERROR] Chart.yaml: invalid source URL 'example.com/no-scheme'",
			"[ERROR] Chart.yaml: invalid icon URL 'not a url'",
			`[ERROR] Chart.yaml: chart type "plugin" is not valid`,
			`[ERROR] Chart.yaml: kubeVersion ">= one" is not a valid version constraint`,
			"[ERROR] templates/: unable to load chart",
		}},
		{chart: "chartfile-required", failed: true, want: []string{
			"[ERROR] Chart.yaml: name is required",
			`[ERROR] Chart.yaml: apiVersion is required. The value must be either "v1" or "v2"`,
			"[ERROR] Chart.yaml: version is required",
			"[ERROR] templates/: unable to load chart",
		}},
		{chart: "chartfile-v1", failed: true, want: []string{
			"[ERROR] Chart.yaml: chart type is not valid in apiVersion 'v1'",
			"[ERROR] Chart.yaml: dependencies are not valid in the Chart file with apiVersion 'v1'",
		}},
		{chart: "chartfile-unparsable", failed: true, want: []string{
			"[ERROR] Chart.yaml: unable to parse YAML\n\terror converting YAML to JSON: yaml: line 2",
			"[ERROR] templates/: unable to load chart",
		}},
		{chart: "chartfile-dir", failed: true, want: []string{
			"[ERROR] Chart.yaml: should be a file, not a directory",
			"[ERROR] templates/: unable to load chart",
		}},
		{chart: "chartfile-noicon"},
		{chart: "values-missing"},
		{chart: "values-unparsable", failed: true, want: []string{
			"[ERROR] values.yaml: unable to parse YAML",
			"[ERROR] templates/: unable to load chart",
		}},
		{chart: "values-schema", failed: true, want: []string{
			"[ERROR] values.yaml: - at '/port': got string, want integer",
			"[ERROR] templates/: values don't meet the specifications of the schema(s) in the following chart(s):\nvalues-schema:\n- at '/port': got string, want integer",
		}},
		{chart: "values-schema", opts: Options{Values: map[string]any{"port": 80}}},
		{chart: "values-schema", opts: Options{SkipSchemaValidation: true}},
		{chart: "templates-file", want: []string{"[WARNING] templates/: not a directory"}},
		{chart: "templates-missing"},
		{chart: "template-files", failed: true, want: []string{
			"[ERROR] templates/config.json: file extension '.json' not valid",
			"[WARNING] templates/crd.yaml: manifest is a crd-install hook",
			"[ERROR] templates/time.yaml: .Release.Time has been removed in v3",
		}},
		{chart: "render-error", failed: true, want: []string{
			"[ERROR] templates/: parse error at (render-error/templates/broken.yaml:5): unclosed action",
		}},
		{chart: "yaml-invalid", failed: true, want: []string{
			"[ERROR] templates/bad.yaml: unable to parse YAML: error converting YAML to JSON: yaml: line 6",
		}},
		{chart: "strict-missing"},
		{chart: "strict-missing", opts: Options{Strict: true}, failed: true, want: []string{
			`[ERROR] templates/: template: strict-missing/templates/cm.yaml:6:19: executing "strict-missing/templates/cm.yaml" at <.Values.config.level>: map has no entry for key "level"`,
		}},
		{chart: "lint-mode"},
		{chart: "objects", failed: true, want: []string{
			`[WARNING] templates/badname.yaml:4: object name does not conform to Kubernetes naming requirements: "Not_A_Name": a lowercase RFC 1123 subdomain`,
			"[ERROR] templates/list.yaml:3: Annotation 'helm.sh/resource-policy' within List objects are ignored",
			`[ERROR] templates/nokind.yaml: object "kindless" has no apiVersion or no kind`,
			`[ERROR] templates/noselector.yaml: a Deployment must contain matchLabels or matchExpressions, and "loose" does not`,
		}},
		{chart: "types", failed: true, want: []string{
			`[WARNING] templates/deployment.yaml: Deployment "typed": duplicate field "app"; only the last value is kept (line 7 of the rendered document)`,
			`[WARNING] templates/deployment.yaml:21: Deployment "typed": unknown field "spec.template.spec.containers[0].imagePullPolicyy"`,
			`[WARNING] templates/list.yaml:10: ConfigMap "listed": unknown field "dataa"`,
			`[ERROR] templates/service.yaml:7: Service "typed": field "spec.ports.port" must be of type int32, not string`,
		}},
		{chart: "apis", opts: Options{KubeVersion: kube(t, "1.20")}, want: []string{
			"[WARNING] templates/newjob.yaml:1: batch/v1 CronJob is not served before Kubernetes v1.21 (target v1.20)",
		}},
		{chart: "apis", opts: Options{KubeVersion: kube(t, "1.23")}, want: []string{
			"[WARNING] templates/cronjob.yaml:1: batch/v1beta1 CronJob is deprecated since Kubernetes v1.21 and will be removed in v1.25; use batch/v1 CronJob",
			"[WARNING] templates/hpa.yaml:1: autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated since Kubernetes v1.23 and will be removed in v1.26; use autoscaling/v2 HorizontalPodAutoscaler",
		}},
		{chart: "apis", want: []string{
			"[WARNING] templates/cronjob.yaml:1: batch/v1beta1 CronJob was removed in Kubernetes v1.25 and cannot be installed on v1.37; use batch/v1 CronJob",
			"[WARNING] templates/hpa.yaml:1: autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes v1.26 and cannot be installed on v1.37",
		}},
		{chart: "apis", opts: Options{Strict: true}, failed: true, want: []string{
			"[WARNING] templates/cronjob.yaml:1: batch/v1beta1 CronJob was removed",
			"[WARNING] templates/hpa.yaml:1: autoscaling/v2beta2 HorizontalPodAutoscaler was removed",
		}},
		{chart: "kinds", failed: true, want: []string{
			`[WARNING] templates/typo.yaml:2: Deploymnet "typo": Kubernetes API apps/v1 has no kind Deploymnet`,
			`[ERROR] templates/version.yaml: a Deployment must contain matchLabels or matchExpressions`,
			`[WARNING] templates/version.yaml:1: Deployment "future": Kubernetes has no API version apps/v9`,
		}},
		{chart: "crs", want: []string{
			`[WARNING] templates/widget.yaml:5: Widget "small": unknown field "metadata.labelz"`,
			`[WARNING] templates/widget.yaml:9: Widget "small": unknown field "spec.colour"`,
		}},
		{chart: "deps", failed: true, want: []string{
			"[ERROR] Chart.yaml: chart metadata is missing these dependencies: undeclared",
			"[WARNING] Chart.yaml: chart directory is missing these dependencies: declared",
		}},
	}
	for _, tt := range tests {
		name := tt.chart
		if tt.opts.Strict {
			name += "/strict"
		}
		if tt.opts.KubeVersion != nil {
			name += "/kube-" + tt.opts.KubeVersion.Version
		}
		if tt.opts.Values != nil || tt.opts.SkipSchemaValidation {
			name += "/overrides"
		}
		t.Run(name, func(t *testing.T) {
			res, err := Lint(context.Background(), filepath.Join(testdata, tt.chart), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []Finding
			for _, f := range res.Findings {
				if f.Severity > Info {
					got = append(got, f)
				}
			}
			for i := 0; i < len(got) || i < len(tt.want); i++ {
				switch {
				case i >= len(got):
					t.Errorf("missing finding %q", tt.want[i])
				case i >= len(tt.want):
					t.Errorf("unexpected finding %q", got[i])
				case !strings.HasPrefix(got[i].String(), tt.want[i]):
					t.Errorf("finding %d:\n got %q\nwant %q...", i, got[i], tt.want[i])
				}
			}
			if res.Failed() != tt.failed {
				t.Errorf("Failed() = %v, want %v", res.Failed(), tt.failed)
			}
		})
	}
}

// TestInfoFindings covers the checks that only ever advise.
func TestInfoFindings(t *testing.T) {
	tests := []struct {
		chart string
		want  []string
	}{
		{"good", nil},
		{"chartfile-noicon", []string{"[INFO] Chart.yaml: icon is recommended", "[INFO] values.yaml: file does not exist"}},
		{"templates-missing", []string{"[INFO] values.yaml: file does not exist", "[INFO] templates/: directory does not exist"}},
	}
	for _, tt := range tests {
		t.Run(tt.chart, func(t *testing.T) {
			res, err := Lint(context.Background(), filepath.Join(testdata, tt.chart), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if res.HasWarningsOrErrors() {
				t.Error("HasWarningsOrErrors() = true for INFO only")
			}
		})
	}
}

func TestNotAChart(t *testing.T) {
	for _, path := range []string{filepath.Join(testdata, "does-not-exist"), testdata, filepath.Join(testdata, "good", "values.yaml")} {
		if _, err := Lint(context.Background(), path, Options{}); err == nil {
			t.Errorf("Lint(%s) succeeded, want an error naming what is wrong", path)
		}
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Lint(ctx, filepath.Join(testdata, "good"), Options{}); err == nil {
		t.Error("Lint with a cancelled context succeeded")
	}
}
