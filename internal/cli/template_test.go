package cli_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/internal/cli"
)

var update = flag.Bool("update", false, "rewrite golden files with kpkg's output")

func repoRoot() string { return filepath.Join("..", "..") }

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = cli.Run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestTodoAppGolden renders charts/todo-app for each documented scenario.
// The goldens were first produced by Helm v3.22.0 (the chart is a plain Helm
// chart); -update rewrites them with kpkg's output.
func TestTodoAppGolden(t *testing.T) {
	for _, scenario := range []string{"defaults", "ingress-tls", "external-db", "existing-secret", "replicas-3"} {
		t.Run(scenario, func(t *testing.T) {
			values := filepath.Join(repoRoot(), "charts", "testdata", "todo-app", scenario+".yaml")
			got, stderr, code := run(t, "template", "todo", filepath.Join(repoRoot(), "charts", "todo-app"), "-n", "todo", "-f", values)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden := filepath.Join(repoRoot(), "testdata", "golden", "todo-app", scenario+".yaml")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s; run go test ./internal/cli -run TestTodoAppGolden -update and review the diff", golden)
			}
		})
	}
}

func TestTemplateFlags(t *testing.T) {
	chart := filepath.Join(repoRoot(), "charts", "todo-app")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
		notWant  []string
	}{
		{"show-only one template", []string{"template", "todo", chart, "-s", "templates/user-api-service.yaml"}, 0,
			[]string{"# Source: todo-app/templates/user-api-service.yaml", "kind: Service"}, []string{"kind: Deployment"}},
		{"show-only missing", []string{"template", chart, "-s", "templates/nope.yaml"}, 1, nil, nil},
		{"default release name", []string{"template", chart}, 0, []string{"release-name-todo-app"}, nil},
		{"set overrides", []string{"template", "todo", chart, "--set", "userApi.replicaCount=7", "-s", "templates/user-api-deployment.yaml"}, 0,
			[]string{"replicas: 7"}, nil},
		{"kube version too old", []string{"template", "todo", chart, "--kube-version", "1.10.0"}, 1, nil, nil},
		{"missing chart", []string{"template", "todo", filepath.Join(repoRoot(), "nope")}, 1, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := run(t, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.wantCode, stderr)
			}
			if code != 0 && !strings.HasPrefix(stderr, "Error: ") {
				t.Errorf("stderr %q does not start with Error:", stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output has %q", w)
				}
			}
		})
	}
}

func TestTemplateOutputDir(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := run(t, "template", "todo", filepath.Join(repoRoot(), "charts", "todo-app"), "--output-dir", dir)
	if code != 0 {
		t.Fatal(stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "todo-app", "charts", "mongodb", "templates", "statefulset.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "---\n# Source: todo-app/charts/mongodb/templates/statefulset.yaml\n") {
		t.Errorf("unexpected file start: %q", string(data)[:80])
	}
}
