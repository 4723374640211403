package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDownloaderPluginRepository: a repository served by a downloader
// plugin (the testgetter fixture's kpkgtest:// URLs) works wherever Helm
// uses downloaders: repo add and update, search, pull, a chart URL, and
// dependency update.
func TestDownloaderPluginRepository(t *testing.T) {
	pluginHome(t)
	mustRun(t, "plugin", "install", fixturePlugin("testgetter"))
	root := t.TempDir()
	t.Setenv("KPKGTEST_ROOT", root)
	chart := writeFiles(t, t.TempDir(), map[string]string{
		"demo/Chart.yaml":          "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
		"demo/templates/cm.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-demo\n",
		"parent/Chart.yaml":        "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n- name: demo\n  version: 0.1.0\n  repository: kpkgtest://host\n",
		"parent/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: parent\n",
	})
	mustRun(t, "package", filepath.Join(chart, "demo"), "-d", root)
	mustRun(t, "repo", "index", root, "--url", "kpkgtest://host")

	if out := mustRun(t, "repo", "add", "t", "kpkgtest://host"); !strings.Contains(out, `"t" has been added`) {
		t.Errorf("repo add: %q", out)
	}
	mustRun(t, "repo", "update", "t")
	if out := mustRun(t, "search", "repo", "t/"); !strings.Contains(out, "t/demo") {
		t.Errorf("search repo:\n%s", out)
	}
	dest := t.TempDir()
	mustRun(t, "pull", "t/demo", "-d", dest)
	if _, err := os.Stat(filepath.Join(dest, "demo-0.1.0.tgz")); err != nil {
		t.Errorf("pull through the downloader: %v", err)
	}
	if out := mustRun(t, "template", "r", "kpkgtest://host/demo-0.1.0.tgz"); !strings.Contains(out, "name: r-demo") {
		t.Errorf("template of a kpkgtest:// chart URL:\n%s", out)
	}
	mustRun(t, "dependency", "update", filepath.Join(chart, "parent"))
	if _, err := os.Stat(filepath.Join(chart, "parent", "charts", "demo-0.1.0.tgz")); err != nil {
		t.Errorf("dependency update through the downloader: %v", err)
	}
	if _, stderr, code := runIn(t, "", "pull", "nope://host/demo-0.1.0.tgz"); code == 0 || !strings.Contains(stderr, "nope") {
		t.Errorf("a scheme no plugin serves: exit %d, %s", code, stderr)
	}
}
