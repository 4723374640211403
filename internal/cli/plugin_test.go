package cli_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// pluginHome points Helm's plugin and home variables at fresh temporary
// directories and returns the plugins directory and the hooks' marker
// directory.
func pluginHome(t *testing.T) (plugins, markers string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("plugin fixtures are shell scripts")
	}
	home := t.TempDir()
	plugins, markers = filepath.Join(home, "plugins"), filepath.Join(home, "markers")
	if err := os.Mkdir(markers, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"HELM_PLUGINS":     plugins,
		"HELM_DATA_HOME":   filepath.Join(home, "data"),
		"HELM_CONFIG_HOME": filepath.Join(home, "config"),
		"HELM_CACHE_HOME":  filepath.Join(home, "cache"),
		"KPKGTEST_MARKERS": markers,
		"HELM_NO_PLUGINS":  "",
	} {
		t.Setenv(k, v)
	}
	return plugins, markers
}

func fixturePlugin(name string) string {
	abs, _ := filepath.Abs(filepath.Join(repoRoot(), "testdata", "plugins", name))
	return abs
}

func TestPluginLifecycle(t *testing.T) {
	plugins, markers := pluginHome(t)
	for _, name := range []string{"hooker", "envprinter"} {
		if out := mustRun(t, "plugin", "install", fixturePlugin(name)); out != "Installed plugin: "+name+"\n" {
			t.Errorf("install %s printed %q", name, out)
		}
	}
	if b, err := os.ReadFile(filepath.Join(markers, "hooker-install")); err != nil || string(b) != "install hooker "+filepath.Join(plugins, "hooker")+"\n" {
		t.Errorf("install hook marker: %q, %v", b, err)
	}
	wantList := "NAME      \tVERSION\tDESCRIPTION                                                                      \n" +
		"envprinter\t0.1.0  \tPrints its arguments and the HELM_* variables it was given (a kpkg test fixture).\n" +
		"hooker    \t0.1.0  \tInstall, update and delete hooks write marker files (a kpkg test fixture).       \n"
	if out := mustRun(t, "plugin", "list"); out != wantList {
		t.Errorf("plugin list:\n%q\nwant\n%q", out, wantList)
	}

	// Running a plugin: global flags go to the environment, the rest to
	// the plugin.
	out := mustRun(t, "envprinter", "-n", "ns1", "a b", "--kube-context=ctx1", "--flag", "-x")
	for _, want := range []string{
		"arg: --plugin=envprinter\narg: a b\narg: --flag\narg: -x\n",
		"HELM_NAMESPACE=ns1\n", "HELM_KUBECONTEXT=ctx1\n", "HELM_PLUGIN_NAME=envprinter\n",
		"HELM_PLUGIN_DIR=" + filepath.Join(plugins, "envprinter") + "\n", "HELM_PLUGINS=" + plugins + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("envprinter output lacks %q:\n%s", want, out)
		}
	}

	// A local directory cannot be updated (Helm refuses too).
	if _, errOut, code := run(t, "plugin", "update", "hooker"); code == 0 || !strings.Contains(errOut, "only plugins installed from a git repository can be updated") {
		t.Errorf("update: exit %d, %s", code, errOut)
	}
	// Uninstall goes on past a missing name and reports it.
	out, errOut, code := run(t, "plugin", "uninstall", "nope", "hooker", "envprinter")
	if code == 0 || out != "Uninstalled plugin: hooker\nUninstalled plugin: envprinter\n" || !strings.Contains(errOut, `plugin "nope" is not installed`) {
		t.Errorf("uninstall: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(markers, "hooker-delete")); err != nil {
		t.Errorf("delete hook did not run: %v", err)
	}
	if out := mustRun(t, "plugin", "list"); out != "NAME\tVERSION\tDESCRIPTION\n" {
		t.Errorf("list after uninstall: %q", out)
	}
	if _, err := os.Stat(fixturePlugin("hooker")); err != nil {
		t.Errorf("uninstall removed the fixture: %v", err)
	}
}

func TestPluginExitCode(t *testing.T) {
	plugins, _ := pluginHome(t)
	dir := filepath.Join(plugins, "exiter")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "plugin.yaml"), []byte("name: exiter\nplatformCommand: [{command: sh, args: [-c, 'echo out; echo err >&2; exit 3']}]\n"), 0o644)
	out, errOut, code := run(t, "exiter", "ignored")
	if code != 3 || out != "out\n" || errOut != "err\nError: plugin \"exiter\" exited with error\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// A plugin named like a built-in command does not replace it; list and
// install say why it cannot run.
func TestPluginNameCollision(t *testing.T) {
	plugins, _ := pluginHome(t)
	src := filepath.Join(t.TempDir(), "version")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "plugin.yaml"), []byte("name: version\ncommand: echo plugin-ran\n"), 0o644)
	out, errOut, code := run(t, "plugin", "install", src)
	if code != 0 || !strings.Contains(errOut, `hidden by kpkg's built-in "version" command`) || out != "Installed plugin: version\n" {
		t.Errorf("install: exit %d\n%s%s", code, out, errOut)
	}
	if out := mustRun(t, "version", "--short"); strings.Contains(out, "plugin-ran") {
		t.Errorf("the plugin replaced the built-in: %q", out)
	}
	if _, errOut, _ := run(t, "plugin", "list"); !strings.Contains(errOut, filepath.Join(plugins, "version")) {
		t.Errorf("list does not warn about the hidden plugin: %q", errOut)
	}
}

func TestPluginLoading(t *testing.T) {
	plugins, _ := pluginHome(t)
	mustRun(t, "plugin", "install", fixturePlugin("envprinter"))

	t.Setenv("HELM_NO_PLUGINS", "1")
	if _, errOut, code := run(t, "envprinter"); code == 0 || !strings.Contains(errOut, `unknown command "envprinter"`) {
		t.Errorf("HELM_NO_PLUGINS=1: exit %d, %s", code, errOut)
	}
	t.Setenv("HELM_NO_PLUGINS", "")

	// A broken plugin.yaml is reported and built-ins keep working.
	bad := filepath.Join(plugins, "broken")
	os.MkdirAll(bad, 0o755)
	os.WriteFile(filepath.Join(bad, "plugin.yaml"), []byte("name: broken name\n"), 0o644)
	out, errOut, code := run(t, "version", "--short")
	if code != 0 || out == "" || !strings.Contains(errOut, filepath.Join(bad, "plugin.yaml")) {
		t.Errorf("broken plugin: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if _, errOut, code := run(t, "plugin", "list"); code == 0 || !strings.Contains(errOut, `field "name"`) {
		t.Errorf("list with a broken plugin: exit %d, %s", code, errOut)
	}
}
