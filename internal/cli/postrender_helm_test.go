package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// kustomizeRenderer writes a post-renderer that runs the real kustomize
// (KPKG_TEST_KUSTOMIZE) over the manifests on stdin: a common label on
// every object and a strategic-merge patch of the e2e basic chart's
// Deployment.
func kustomizeRenderer(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("KPKG_TEST_KUSTOMIZE")
	if bin == "" {
		t.Skip("KPKG_TEST_KUSTOMIZE is not set: `make test` builds kustomize and sets it")
	}
	dir := t.TempDir()
	files := map[string]string{
		"kustomization.yaml": "resources:\n- all.yaml\nlabels:\n- pairs:\n    team: platform\npatches:\n- path: patch.yaml\n",
		"patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-web\n" +
			"spec:\n  template:\n    metadata:\n      annotations:\n        patched-by: kustomize\n",
		"render.sh": "#!/bin/sh\nset -e\ncd \"$(dirname \"$0\")\"\ncat > all.yaml\nexec " + bin + " build .\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "render.sh")
}

// TestPostRendererMatchesHelm renders a chart with hooks through kustomize
// with kpkg and with the real Helm v3.22.0: the output is the same, byte
// for byte, and the hooks are left as rendered.
func TestPostRendererMatchesHelm(t *testing.T) {
	renderer := kustomizeRenderer(t)
	helm := helmBinary(t)
	chart := filepath.Join(repoRoot(), "test", "e2e", "testdata", "charts", "basic")
	args := []string{"template", "web", chart, "-n", "shop", "--set", "hook.enabled=true", "--post-renderer", renderer}
	ours, stderr, code := run(t, args...)
	if code != 0 {
		t.Fatalf("kpkg template --post-renderer: exit %d: %s", code, stderr)
	}
	cmd := exec.Command(helm, args...)
	cmd.Env = append(os.Environ(), "HELM_CONFIG_HOME="+t.TempDir(), "HELM_CACHE_HOME="+t.TempDir(), "HELM_DATA_HOME="+t.TempDir())
	theirs, err := cmd.Output()
	if err != nil {
		t.Fatalf("helm template --post-renderer: %v", err)
	}
	if ours != string(theirs) {
		t.Errorf("kpkg and Helm differ with a post-renderer\nkpkg:\n%s\nhelm:\n%s", ours, theirs)
	}
	for _, want := range []string{"team: platform", "patched-by: kustomize", "# Source: basic/templates/hooks.yaml"} {
		if !strings.Contains(ours, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if hooks := ours[strings.Index(ours, "# Source: basic/templates/hooks.yaml"):]; strings.Contains(hooks, "team: platform") {
		t.Errorf("the post-renderer was given the hooks")
	}
}

// TestPostRendererFailure: a post-renderer that fails names itself and its
// stderr; one that prints no YAML is refused.
func TestPostRendererFailure(t *testing.T) {
	dir := t.TempDir()
	fail := filepath.Join(dir, "fail.sh")
	junk := filepath.Join(dir, "junk.sh")
	os.WriteFile(fail, []byte("#!/bin/sh\necho 'patch not found' >&2\nexit 3\n"), 0o755)
	os.WriteFile(junk, []byte("#!/bin/sh\necho 'a: [unclosed'\n"), 0o755)
	chart := filepath.Join(repoRoot(), "charts", "todo-app")
	for _, tt := range []struct {
		script string
		want   []string
	}{
		{fail, []string{"fail.sh", "patch not found"}},
		{junk, []string{"junk.sh", "YAML"}},
	} {
		_, stderr, code := run(t, "template", "todo", chart, "--post-renderer", tt.script)
		if code == 0 {
			t.Errorf("%s: template succeeded", tt.script)
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: error lacks %q: %s", tt.script, w, stderr)
			}
		}
	}
}
