package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelmUnittestPlugin installs the real helm-unittest plugin (built from
// the Go module proxy by `make tools`, KPKG_TEST_UNITTEST_PLUGIN) and runs
// the suites of charts/todo-app as `kpkg unittest`. With Helm at hand it is
// also installed by `helm plugin install` and run by kpkg, and the reverse.
func TestHelmUnittestPlugin(t *testing.T) {
	src := os.Getenv("KPKG_TEST_UNITTEST_PLUGIN")
	if src == "" {
		t.Skip("KPKG_TEST_UNITTEST_PLUGIN is not set: `make test` builds the helm-unittest plugin and sets it")
	}
	pluginHome(t)
	chart := filepath.Join(repoRoot(), "charts", "todo-app")
	if out, stderr, code := run(t, "plugin", "install", src); code != 0 {
		t.Fatalf("kpkg plugin install: exit %d: %s%s", code, out, stderr)
	}
	out, stderr, code := run(t, "unittest", chart)
	if code != 0 || !strings.Contains(out, "Tests:       3 passed, 3 total") {
		t.Fatalf("kpkg unittest: exit %d:\n%s%s", code, out, stderr)
	}
	helm := os.Getenv("KPKG_TEST_HELM3")
	if helm == "" {
		return
	}
	if out, err := exec.Command(helm, "unittest", chart).CombinedOutput(); err != nil || !strings.Contains(string(out), "3 passed") {
		t.Errorf("helm unittest with the plugin kpkg installed: %v\n%s", err, out)
	}
	if _, stderr, code := run(t, "plugin", "uninstall", "unittest"); code != 0 {
		t.Fatalf("kpkg plugin uninstall: %s", stderr)
	}
	if out, err := exec.Command(helm, "plugin", "install", src).CombinedOutput(); err != nil {
		t.Fatalf("helm plugin install: %v\n%s", err, out)
	}
	if out, stderr, code := run(t, "unittest", chart); code != 0 || !strings.Contains(out, "3 passed") {
		t.Errorf("kpkg unittest with the plugin Helm installed: exit %d:\n%s%s", code, out, stderr)
	}
}
