package cli_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/internal/cli"
	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// helmHome gives the test an empty HOME and none of Helm's, kpkg's or the
// XDG variables, so kpkg finds Helm's files at their defaults under it.
func helmHome(t *testing.T) string {
	t.Helper()
	cli.UnsetToolEnv(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("KUBECONFIG", filepath.Join(home, ".kube", "config"))
	t.Setenv("DOCKER_CONFIG", filepath.Join(home, ".docker"))
	return home
}

func writeFiles(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// nsChart is a chart whose one ConfigMap shows the release's name and
// namespace.
func nsChart(t *testing.T) string {
	t.Helper()
	return writeFiles(t, filepath.Join(t.TempDir(), "nschart"), map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: nschart\nversion: 0.1.0\n",
		"values.yaml": "greeting: hello\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n" +
			"data:\n  namespace: {{ .Release.Namespace }}\n  greeting: {{ .Values.greeting }}\n",
	})
}

// kubeconfigWithContexts writes a kubeconfig whose current context "one"
// has namespace ctx-one and context "two" has ctx-two.
func kubeconfigWithContexts(t *testing.T, path string) string {
	t.Helper()
	writeFiles(t, filepath.Dir(path), map[string]string{filepath.Base(path): `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: u
  user: {token: t}
contexts:
- name: one
  context: {cluster: c, user: u, namespace: ctx-one}
- name: two
  context: {cluster: c, user: u, namespace: ctx-two}
current-context: one
`})
	return path
}

func TestEnvCommand(t *testing.T) {
	home := helmHome(t)
	t.Setenv("HELM_KUBEASGROUPS", "a,b")
	t.Setenv("KPKG_MAX_HISTORY", "4")
	out := mustRun(t, "env")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 21 || !strings.HasPrefix(lines[0], `HELM_BIN="`) || lines[len(lines)-1] != `HELM_REPOSITORY_CONFIG="`+filepath.Join(home, ".config", "helm", "repositories.yaml")+`"` {
		t.Fatalf("env printed %d lines:\n%s", len(lines), out)
	}
	for _, want := range []string{`HELM_KUBEASGROUPS="a,b"`, `HELM_MAX_HISTORY="4"`, `HELM_NAMESPACE="default"`, `HELM_QPS="0.00"`,
		`HELM_PLUGINS="` + filepath.Join(home, ".local", "share", "helm", "plugins") + `"`} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("env lacks %s:\n%s", want, out)
		}
	}
	// Impersonating groups without a user makes the kubeconfig unusable,
	// and Helm then prints "default" whatever the context says.
	t.Setenv("HELM_KUBEASGROUPS", "")
	kubeconfigWithContexts(t, filepath.Join(home, ".kube", "config"))
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"env", "HELM_NAMESPACE"}, "ctx-one\n"},
		{[]string{"--kube-context", "two", "env", "HELM_NAMESPACE"}, "ctx-two\n"},
		{[]string{"env", "HELM_NAMESPACE", "-n", "flag"}, "flag\n"},
		{[]string{"env", "KUBECONFIG"}, "\n"},
		{[]string{"--kubeconfig", "/k", "env", "KUBECONFIG"}, "/k\n"},
		{[]string{"env", "NOT_A_HELM_VARIABLE"}, "\n"},
		{[]string{"env", "HELM_BURST_LIMIT", "--burst-limit", "7"}, "7\n"},
	}
	for _, tt := range tests {
		if got := mustRun(t, tt.args...); got != tt.want {
			t.Errorf("%q printed %q, want %q", tt.args, got, tt.want)
		}
	}
}

// Helm's global flags are accepted by every command, before or after it.
func TestGlobalFlagsOnEveryCommand(t *testing.T) {
	home := helmHome(t)
	kc := kubeconfigWithContexts(t, filepath.Join(home, "kc.yaml"))
	for _, args := range [][]string{
		{"-n", "foo", "repo", "list", "-o", "json"},
		{"repo", "list", "--kube-context", "x", "-o", "json"},
		{"--kubeconfig", kc, "lint", demoChart},
		{"lint", demoChart, "--qps", "5", "--burst-limit", "20", "--debug"},
		{"--repository-config", filepath.Join(home, "r.yaml"), "repo", "list", "-o", "yaml"},
		{"--registry-config", filepath.Join(home, "reg.json"), "--repository-cache", home, "show", "chart", demoChart},
		{"--kube-as-group", "g", "--kube-as-user", "u", "--kube-token", "t", "--kube-apiserver", "https://x", "--kube-ca-file", "/ca",
			"--kube-tls-server-name", "n", "--kube-insecure-skip-tls-verify", "version", "--short"},
		{"--v", "0", "version", "--short"},
	} {
		if _, stderr, code := runIn(t, "", args...); code != 0 {
			t.Errorf("%q: exit %d: %s", args, code, stderr)
		}
	}
}

// --debug and HELM_DEBUG write slog records on stderr; without them there
// are none.
func TestDebugLog(t *testing.T) {
	helmHome(t)
	chart := nsChart(t)
	if _, stderr, _ := runIn(t, "", "template", chart); strings.Contains(stderr, "level=DEBUG") {
		t.Errorf("debug records without --debug: %s", stderr)
	}
	if _, stderr, _ := runIn(t, "", "--debug", "template", chart); !strings.Contains(stderr, "level=DEBUG msg=template") {
		t.Errorf("--debug: stderr %q", stderr)
	}
	t.Setenv("HELM_DEBUG", "true")
	if _, stderr, _ := runIn(t, "", "template", chart); !strings.Contains(stderr, "level=DEBUG") {
		t.Errorf("HELM_DEBUG=true: stderr %q", stderr)
	}
}

// The release namespace of template is -n, else HELM_NAMESPACE, else the
// kubeconfig context's, else "default".
func TestTemplateNamespace(t *testing.T) {
	home := helmHome(t)
	chart := nsChart(t)
	ns := func(args ...string) string {
		t.Helper()
		out := mustRun(t, append([]string{"template", chart}, args...)...)
		_, after, _ := strings.Cut(out, "namespace: ")
		v, _, _ := strings.Cut(after, "\n")
		return v
	}
	if got := ns(); got != "default" {
		t.Errorf("no kubeconfig: %q", got)
	}
	kubeconfigWithContexts(t, filepath.Join(home, ".kube", "config"))
	if got := ns(); got != "ctx-one" {
		t.Errorf("current context: %q", got)
	}
	if got := ns("--kube-context", "two"); got != "ctx-two" {
		t.Errorf("--kube-context two: %q", got)
	}
	t.Setenv("HELM_NAMESPACE", "from-env")
	if got := ns(); got != "from-env" {
		t.Errorf("HELM_NAMESPACE: %q", got)
	}
	if got := ns("-n", "from-flag"); got != "from-flag" {
		t.Errorf("-n: %q", got)
	}
}

func TestTemplateReleaseNames(t *testing.T) {
	helmHome(t)
	chart := nsChart(t)
	invalid := func(name string) string {
		return `release name "` + name + `": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53`
	}
	long := strings.Repeat("a", 54)
	tests := []struct {
		args    []string
		name    string // the name rendered, or
		wantErr string // the error printed
	}{
		{[]string{chart}, "release-name", ""},
		{[]string{"-g", chart}, "release-name", ""},
		{[]string{"web.v2", chart}, "web.v2", ""},
		{[]string{strings.Repeat("a", 53), chart}, strings.Repeat("a", 53), ""},
		{[]string{"--name-template", `{{ "abc" | printf "%s-x" }}`, chart}, "abc-x", ""},
		{[]string{"FOO", chart}, "", invalid("FOO")},
		{[]string{"one_two", chart}, "", invalid("one_two")},
		{[]string{"--", "-two", chart}, "", invalid("-two")},
		{[]string{"", chart}, "", `release name "": no name provided`},
		{[]string{long, chart}, "", invalid(long)},
		{[]string{"--name-template", "{{ upper \"abc\" }}", chart}, "", invalid("ABC")},
		{[]string{"-g", "x", chart}, "", "cannot set --generate-name and also specify a name"},
		{[]string{"--name-template", "x", "y", chart}, "", "cannot set --name-template and also specify a name"},
		{[]string{"a", chart, "c"}, "", "expected at most two arguments, unexpected arguments: c"},
	}
	for _, tt := range tests {
		out, stderr, code := runIn(t, "", append([]string{"template"}, tt.args...)...)
		switch {
		case tt.wantErr != "" && (code == 0 || stderr != "Error: "+tt.wantErr+"\n"):
			t.Errorf("%q: exit %d, stderr %q, want %q", tt.args, code, stderr, tt.wantErr)
		case tt.wantErr == "" && (code != 0 || !strings.Contains(out, "  name: "+tt.name+"\n")):
			t.Errorf("%q: exit %d %s, want name %s in\n%s", tt.args, code, stderr, tt.name, out)
		}
	}
}

// template accepts install's flags, as Helm's does: they change nothing.
func TestTemplateAcceptsInstallFlags(t *testing.T) {
	helmHome(t)
	chart := nsChart(t)
	plain := mustRun(t, "template", chart)
	got := mustRun(t, "template", chart, "--create-namespace", "--timeout", "1m", "--wait", "--wait-for-jobs", "--atomic",
		"--labels", "team=a,tier=b", "--description", "d", "--hide-notes", "--force", "--replace", "--take-ownership",
		"--disable-openapi-validation", "--dry-run", "--devel", "--skip-crds", "--render-subchart-notes")
	if got != plain {
		t.Errorf("install's flags changed the output:\n%s\nwant\n%s", got, plain)
	}
	if _, stderr, code := runIn(t, "", "template", chart, "--labels", "owner=me"); code == 0 || !strings.Contains(stderr, "System labels: [name owner status version createdAt modifiedAt]") {
		t.Errorf("a system label was accepted: %d %s", code, stderr)
	}
}

// With --debug, template prints the output that is not YAML before the
// error, as helm template --debug does; without, the error says how.
func TestTemplateDebugShowsInvalidYAML(t *testing.T) {
	helmHome(t)
	chart := nsChart(t)
	writeFiles(t, chart, map[string]string{"templates/bad.yaml": "kind: ConfigMap\ndata:\n  a: b\n  - c\n"})
	out, stderr, code := runIn(t, "", "template", chart)
	if code == 0 || out != "" || !strings.HasSuffix(stderr, "\n\nUse --debug flag to render out invalid YAML\n") || !strings.HasPrefix(stderr, "Error: YAML parse error on nschart/templates/bad.yaml: ") {
		t.Errorf("without --debug: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	out, stderr, code = runIn(t, "", "template", chart, "--debug")
	want := "---\n# Source: nschart/templates/bad.yaml\nkind: ConfigMap\ndata:\n  a: b\n  - c\n\n---\n# Source: nschart/templates/cm.yaml\n"
	if code == 0 || !strings.HasPrefix(out, want) || strings.Contains(stderr, "Use --debug") {
		t.Errorf("with --debug: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

// -f takes http(s) URLs and URLs of a downloader plugin's scheme.
func TestValuesFromURLs(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the downloader fixture is a shell script")
	}
	home := helmHome(t)
	chart := nsChart(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/values.yaml" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("greeting: from-http\n"))
	}))
	t.Cleanup(srv.Close)
	if out := mustRun(t, "template", chart, "-f", srv.URL+"/values.yaml"); !strings.Contains(out, "greeting: from-http") {
		t.Errorf("-f http URL:\n%s", out)
	}
	if _, stderr, code := runIn(t, "", "template", chart, "-f", srv.URL+"/missing.yaml"); code == 0 || !strings.Contains(stderr, "404") {
		t.Errorf("-f missing URL: %d %s", code, stderr)
	}

	t.Setenv("HELM_PLUGINS", filepath.Join(home, "plugins"))
	mustRun(t, "plugin", "install", fixturePlugin("testgetter"))
	root := writeFiles(t, t.TempDir(), map[string]string{"v.yaml": "greeting: from-plugin\n", "word.txt": "from-set-file"})
	t.Setenv("KPKGTEST_ROOT", root)
	if out := mustRun(t, "template", chart, "-f", "kpkgtest://host/v.yaml"); !strings.Contains(out, "greeting: from-plugin") {
		t.Errorf("-f kpkgtest:// URL:\n%s", out)
	}
	if out := mustRun(t, "template", chart, "--set-file", "greeting=kpkgtest://host/word.txt"); !strings.Contains(out, "greeting: from-set-file") {
		t.Errorf("--set-file kpkgtest:// URL:\n%s", out)
	}
	// A scheme no plugin declares is a file name, as in Helm.
	if _, stderr, code := runIn(t, "", "template", chart, "-f", "nope://x/v.yaml"); code == 0 || !strings.Contains(stderr, "nope://x/v.yaml") {
		t.Errorf("unknown scheme: %d %s", code, stderr)
	}
}

// --dependency-update fetches what charts/ lacks before rendering.
func TestTemplateDependencyUpdate(t *testing.T) {
	helmHome(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"child/Chart.yaml":        "apiVersion: v2\nname: child\nversion: 0.1.0\n",
		"child/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: child\n",
	})
	site := filepath.Join(dir, "site")
	mustRun(t, "package", filepath.Join(dir, "child"), "-d", site)
	mustRun(t, "repo", "index", site)
	url, _ := repotest.ServeDir(t, site, repotest.ServeOptions{})
	parent := writeFiles(t, filepath.Join(dir, "parent"), map[string]string{
		"Chart.yaml": "apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n- name: child\n  version: 0.1.0\n  repository: " + url + "\n",
	})
	if _, stderr, code := runIn(t, "", "template", parent); code == 0 || !strings.Contains(stderr, "child") {
		t.Fatalf("missing dependency: exit %d %s", code, stderr)
	}
	out, stderr, code := runIn(t, "", "template", parent, "--dependency-update")
	if code != 0 || !strings.Contains(out, "# Source: parent/charts/child/templates/cm.yaml") || strings.Contains(out, "Saving") {
		t.Fatalf("--dependency-update: exit %d %s\n%s", code, stderr, out)
	}
	if _, err := os.Stat(filepath.Join(parent, "charts", "child-0.1.0.tgz")); err != nil {
		t.Errorf("dependency not vendored: %v", err)
	}
}

// kpkg's former files under ~/.config/kpkg and ~/.cache/kpkg are copied to
// Helm's locations on first use, with one line on stderr, and left alone
// afterwards.
func TestFormerFilesMigrate(t *testing.T) {
	home := helmHome(t)
	writeFiles(t, home, map[string]string{
		".config/kpkg/repositories.yaml":        "apiVersion: \"\"\ngenerated: \"0001-01-01T00:00:00Z\"\nrepositories:\n- name: old\n  url: http://127.0.0.1:1/charts\n",
		".cache/kpkg/repository/old-index.yaml": "apiVersion: v1\nentries:\n  demo:\n  - name: demo\n    version: 1.0.0\n    urls: [demo-1.0.0.tgz]\n",
		".config/kpkg/registry/config.json":     `{"auths":{}}`,
	})
	out, stderr, code := runIn(t, "", "search", "repo", "demo")
	if code != 0 || !strings.Contains(out, "old/demo") {
		t.Fatalf("search after migration: exit %d %s\n%s", code, stderr, out)
	}
	if n := strings.Count(stderr, "\n"); n != 1 || !strings.Contains(stderr, filepath.Join(home, ".config", "helm", "repositories.yaml")) {
		t.Errorf("notice: %q", stderr)
	}
	for _, p := range []string{".config/helm/repositories.yaml", ".cache/helm/repository/old-index.yaml", ".config/helm/registry/config.json"} {
		if _, err := os.Stat(filepath.Join(home, p)); err != nil {
			t.Errorf("not copied: %v", err)
		}
	}
	if _, stderr, _ := runIn(t, "", "repo", "list"); stderr != "" {
		t.Errorf("second run printed %q", stderr)
	}
}

// create --starter NAME finds starters in Helm's data directory, then in
// kpkg's former one.
func TestCreateStarterFromHelmDataHome(t *testing.T) {
	home := helmHome(t)
	starter := map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: s\nversion: 0.1.0\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: <CHARTNAME>-FROM\n",
	}
	writeFiles(t, filepath.Join(home, ".local", "share", "helm", "starters", "helmstarter"), starter)
	writeFiles(t, filepath.Join(home, ".local", "share", "kpkg", "starters", "oldstarter"), starter)
	work := t.TempDir()
	for _, name := range []string{"helmstarter", "oldstarter"} {
		target := filepath.Join(work, "from-"+name)
		mustRun(t, "create", target, "--starter", name)
		data, err := os.ReadFile(filepath.Join(target, "templates", "cm.yaml"))
		if err != nil || !strings.Contains(string(data), "from-"+name+"-FROM") {
			t.Errorf("%s: %v %q", name, err, data)
		}
	}
}
