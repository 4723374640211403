package lint

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/lint/support"
)

// writeChart writes files under dir/name and returns the chart directory.
func writeChart(t *testing.T, dir, name string, files map[string]string) string {
	t.Helper()
	root := filepath.Join(dir, name)
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// helmVerdict lints dir with Helm v3.22.0's library and returns whether it
// fails and its error and warning messages.
func helmVerdict(dir string) (failed bool, msgs []string) {
	res := action.NewLint().Run([]string{dir}, nil)
	for _, m := range res.Messages {
		if m.Severity >= support.WarningSev {
			msgs = append(msgs, m.Err.Error())
		}
		if m.Severity == support.ErrorSev {
			failed = true
		}
	}
	return failed, msgs
}

// TestHelmVersionRules holds Chart.yaml's version and appVersion rules to
// Helm's verdicts, with Helm's library as the oracle: versions above
// 0.0.0-0 pass (0.0.0 too), and both fields must be YAML strings.
func TestHelmVersionRules(t *testing.T) {
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
	tests := []struct {
		name, chartYAML string
		want            string // a message kpkg must report; "" for none
	}{
		{"zero version passes", "version: 0.0.0\n", ""},
		{"zero pre-release is too low", "version: 0.0.0-0\n", `version "0.0.0-0" is less than or equal to "0.0.0-0"`},
		{"lowest pre-release above zero passes", "version: 0.0.1-0\n", ""},
		{"v prefix passes", "version: v1.2.3\n", ""},
		{"two parts pass", "version: \"1.2\"\n", ""},
		{"unquoted number", "version: 1.2\n", "version should be of type string but it's of type float64"},
		{"empty version", "version:\n", "version should be of type string but it's of type <nil>"},
		{"numeric appVersion", "version: 1.0.0\nappVersion: 1.10\n", "appVersion should be of type string but it's of type float64"},
		{"boolean appVersion", "version: 1.0.0\nappVersion: true\n", "appVersion should be of type string but it's of type bool"},
		{"string appVersion", "version: 1.0.0\nappVersion: \"1.10\"\n", ""},
		{"invalid SemVer", "version: 1.2.3.4\n", "version '1.2.3.4' is not a valid SemVer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeChart(t, t.TempDir(), "c", map[string]string{
				"Chart.yaml":        "apiVersion: v2\nname: c\nicon: https://example.com/i.png\n" + tt.chartYAML,
				"values.yaml":       "{}\n",
				"templates/cm.yaml": cm,
			})
			res, err := Lint(context.Background(), dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			helmFailed, helmMsgs := helmVerdict(dir)
			if res.Failed() != helmFailed {
				t.Errorf("kpkg failed=%v, Helm failed=%v (Helm: %q; kpkg: %q)", res.Failed(), helmFailed, helmMsgs, messages(res))
			}
			found := tt.want == ""
			for _, m := range messages(res) {
				found = found || strings.Contains(m, tt.want)
			}
			if !found {
				t.Errorf("kpkg does not report %q: %q", tt.want, messages(res))
			}
		})
	}
}

// TestUnvendoredFileDependency: a file:// dependency that charts/ does
// not hold renders from its path, and lint warns that the chart directory
// misses it, as Helm does.
func TestUnvendoredFileDependency(t *testing.T) {
	dir := t.TempDir()
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\n"
	writeChart(t, dir, "sub", map[string]string{"Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n", "templates/cm.yaml": cm})
	parent := writeChart(t, dir, "parent", map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n- name: sub\n  version: 0.1.0\n  repository: file://../sub\n",
		"templates/cm.yaml": cm,
	})
	res, err := Lint(context.Background(), parent, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "[WARNING] Chart.yaml: chart directory is missing these dependencies: sub"
	if got := messages(res); !contains(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if failed, msgs := helmVerdict(parent); failed || !contains(msgs, "chart directory is missing these dependencies: sub") {
		t.Errorf("Helm's verdict changed: failed=%v %q", failed, msgs)
	}
}

func contains(list []string, s string) bool {
	for _, m := range list {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}
