package cli_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// These tests share one plugins directory between kpkg and a real Helm
// v3.22.0 binary, named by KPKG_TEST_HELM3: what one installs, the other
// lists, runs, updates and uninstalls, and both print the same.

// sharedPluginHome is pluginHome with HELM_PLUGINS inside HELM_DATA_HOME,
// where Helm's archive installer always writes.
func sharedPluginHome(t *testing.T) (plugins, markers string) {
	t.Helper()
	_, markers = pluginHome(t)
	plugins = filepath.Join(os.Getenv("HELM_DATA_HOME"), "plugins")
	t.Setenv("HELM_PLUGINS", plugins)
	return plugins, markers
}

func runHelm(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helm %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// withoutHelmBin drops the HELM_BIN line, the one variable that must
// differ between the two tools.
func withoutHelmBin(s string) string {
	var keep []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if !strings.HasPrefix(l, "HELM_BIN=") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "")
}

// archiveServer serves the hooker fixture as hooker-0.1.0.tgz with the
// media type Helm's installer looks for.
func archiveServer(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	root := fixturePlugin("hooker")
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		body, _ := os.ReadFile(filepath.Join(root, e.Name()))
		info, _ := e.Info()
		tw.WriteHeader(&tar.Header{Name: e.Name(), Mode: int64(info.Mode().Perm()), Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write(body)
	}
	tw.Close()
	gz.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(buf.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/hooker-0.1.0.tgz"
}

// comparePluginUse checks that both tools list the plugins and run
// envprinter alike.
func comparePluginUse(t *testing.T, helm string) {
	t.Helper()
	if k, h := mustRun(t, "plugin", "list"), runHelm(t, helm, "plugin", "list"); k != h {
		t.Errorf("plugin list differs\nkpkg:\n%s\nhelm:\n%s", k, h)
	}
	args := []string{"envprinter", "-n", "ns1", "a b", "--kube-context", "c1", "--flag", "--debug"}
	if k, h := mustRun(t, args...), runHelm(t, helm, args...); withoutHelmBin(k) != withoutHelmBin(h) {
		t.Errorf("envprinter output differs\nkpkg:\n%s\nhelm:\n%s", k, h)
	}
}

func TestPluginsInstalledByHelm(t *testing.T) {
	helm := helmBinary(t)
	plugins, markers := sharedPluginHome(t)
	runHelm(t, helm, "plugin", "install", fixturePlugin("envprinter"))
	runHelm(t, helm, "plugin", "install", fixturePlugin("testgetter"))
	runHelm(t, helm, "plugin", "install", archiveServer(t))
	if _, err := os.Stat(filepath.Join(plugins, "hooker", "plugin.yaml")); err != nil {
		t.Fatalf("Helm did not install the archive where expected: %v", err)
	}
	comparePluginUse(t, helm)

	// kpkg uninstalls what Helm installed, running the delete hook.
	if out := mustRun(t, "plugin", "uninstall", "hooker"); out != "Uninstalled plugin: hooker\n" {
		t.Errorf("uninstall printed %q", out)
	}
	if _, err := os.Stat(filepath.Join(markers, "hooker-delete")); err != nil {
		t.Errorf("delete hook: %v", err)
	}
	if strings.Contains(runHelm(t, helm, "plugin", "list"), "hooker") {
		t.Error("Helm still lists the uninstalled plugin")
	}
}

func TestPluginsInstalledByKpkg(t *testing.T) {
	helm := helmBinary(t)
	plugins, markers := sharedPluginHome(t)
	mustRun(t, "plugin", "install", fixturePlugin("envprinter"))
	mustRun(t, "plugin", "install", fixturePlugin("testgetter"))
	mustRun(t, "plugin", "install", archiveServer(t))
	if b, err := os.ReadFile(filepath.Join(markers, "hooker-install")); err != nil || string(b) != "install hooker "+filepath.Join(plugins, "hooker")+"\n" {
		t.Errorf("install hook: %q, %v", b, err)
	}
	comparePluginUse(t, helm)

	// Helm's downloader support uses kpkg's install of testgetter.
	pulled := t.TempDir()
	runHelm(t, helm, "pull", "kpkgtest://h/hello.txt", "-d", pulled)
	if b, err := os.ReadFile(filepath.Join(pulled, "hello.txt")); err != nil || string(b) != "hello from kpkgtest\n" {
		t.Errorf("helm pull through testgetter: %q, %v", b, err)
	}
	// Helm uninstalls what kpkg installed.
	runHelm(t, helm, "plugin", "uninstall", "hooker")
	if _, err := os.Stat(filepath.Join(markers, "hooker-delete")); err != nil {
		t.Errorf("delete hook: %v", err)
	}
	if strings.Contains(mustRun(t, "plugin", "list"), "hooker") {
		t.Error("kpkg still lists the plugin Helm uninstalled")
	}
}

// TestPluginUpdateAgainstHelm: for a plugin from a git repository, each
// tool updates what the other installed; for a local directory both refuse.
func TestPluginUpdateAgainstHelm(t *testing.T) {
	helm := helmBinary(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	_, markers := sharedPluginHome(t)
	repo := filepath.Join(t.TempDir(), "hooker")
	gitEnv := []string{"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}
	for _, kv := range gitEnv {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	commit := func(version string) {
		yaml, _ := os.ReadFile(filepath.Join(fixturePlugin("hooker"), "plugin.yaml"))
		os.WriteFile(filepath.Join(repo, "plugin.yaml"), []byte(strings.Replace(string(yaml), "0.1.0", version, 1)), 0o644)
		git("add", ".")
		git("commit", "-q", "-m", version)
	}
	os.MkdirAll(repo, 0o755)
	git("init", "-q", "-b", "main")
	commit("0.1.0")

	runHelm(t, helm, "plugin", "install", "file://"+repo)
	commit("0.2.0")
	if out := mustRun(t, "plugin", "update", "hooker"); out != "Updated plugin: hooker\n" {
		t.Errorf("kpkg update printed %q", out)
	}
	if !strings.Contains(runHelm(t, helm, "plugin", "list"), "0.2.0") {
		t.Error("Helm does not see kpkg's update")
	}
	if _, err := os.Stat(filepath.Join(markers, "hooker-update")); err != nil {
		t.Errorf("update hook: %v", err)
	}
	runHelm(t, helm, "plugin", "uninstall", "hooker")

	mustRun(t, "plugin", "install", "file://"+repo)
	commit("0.3.0")
	runHelm(t, helm, "plugin", "update", "hooker")
	if !strings.Contains(mustRun(t, "plugin", "list"), "0.3.0") {
		t.Error("kpkg does not see Helm's update")
	}

	// A plugin from a plain directory: both refuse to update it.
	mustRun(t, "plugin", "install", fixturePlugin("envprinter"))
	if _, _, code := run(t, "plugin", "update", "envprinter"); code == 0 {
		t.Error("kpkg updated a plugin from a plain directory")
	}
	if err := exec.Command(helm, "plugin", "update", "envprinter").Run(); err == nil {
		t.Error("Helm updated a plugin from a plain directory; kpkg's refusal no longer matches")
	}
}
