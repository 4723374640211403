package helmenv

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/cli"
	"helm.sh/helm/v3/pkg/helmpath"
)

// variables are every variable New or Helm's cli.New reads; each case of
// TestSameAsHelm starts with all of them unset.
var variables = []string{
	"HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
	"HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME", "HELM_DEBUG", "HELM_NAMESPACE",
	"HELM_KUBECONTEXT", "HELM_KUBETOKEN", "HELM_KUBEASUSER", "HELM_KUBEASGROUPS",
	"HELM_KUBEAPISERVER", "HELM_KUBECAFILE", "HELM_KUBEINSECURE_SKIP_TLS_VERIFY",
	"HELM_KUBETLS_SERVER_NAME", "HELM_MAX_HISTORY", "HELM_BURST_LIMIT", "HELM_QPS",
	"HELM_PLUGINS", "HELM_REGISTRY_CONFIG", "HELM_REPOSITORY_CONFIG", "HELM_REPOSITORY_CACHE",
	"HELM_DRIVER", "HELM_NO_PLUGINS",
}

// isolate unsets every variable (t.Setenv restores them afterwards) and
// points KUBECONFIG at a missing file, so Helm's namespace lookup finds no
// context.
func isolate(t *testing.T) {
	t.Helper()
	for _, k := range append(variables, kpkgSpellings()...) {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "missing"))
}

func kpkgSpellings() []string {
	var out []string
	for _, k := range variables {
		if rest, ok := strings.CutPrefix(k, "HELM_"); ok {
			out = append(out, "KPKG_"+rest)
		}
	}
	return out
}

// TestSameAsHelm checks New against Helm's own cli.New and helmpath on the
// same environment: every variable "helm env" prints, and the starters
// directory.
func TestSameAsHelm(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"defaults", map[string]string{"HOME": "/home/u"}},
		{"xdg", map[string]string{"HOME": "/home/u", "XDG_CACHE_HOME": "/x/cache", "XDG_CONFIG_HOME": "/x/config", "XDG_DATA_HOME": "/x/data/"}},
		{"helm homes", map[string]string{"HOME": "/home/u", "XDG_CONFIG_HOME": "/x/config", "HELM_CACHE_HOME": "/h/cache/", "HELM_CONFIG_HOME": "/h/config", "HELM_DATA_HOME": "/h/./data"}},
		{"no home", map[string]string{}},
		{"everything", map[string]string{
			"HOME": "/home/u", "HELM_DEBUG": "true", "HELM_NAMESPACE": "ns1",
			"HELM_KUBECONTEXT": "ctx", "HELM_KUBETOKEN": "tok", "HELM_KUBEASUSER": "me",
			"HELM_KUBEASGROUPS": " ,a,b ,c, ", "HELM_KUBEAPISERVER": "https://api:6443",
			"HELM_KUBECAFILE": "/ca.pem", "HELM_KUBEINSECURE_SKIP_TLS_VERIFY": "1",
			"HELM_KUBETLS_SERVER_NAME": "api.example", "HELM_MAX_HISTORY": "3",
			"HELM_BURST_LIMIT": "-1", "HELM_QPS": "2.555", "HELM_PLUGINS": "/p1" + string(filepath.ListSeparator) + "/p2",
			"HELM_REGISTRY_CONFIG": "/r.json", "HELM_REPOSITORY_CONFIG": "/repos", "HELM_REPOSITORY_CACHE": "rel/cache",
		}},
		{"unparsable numbers", map[string]string{
			"HOME": "/home/u", "HELM_DEBUG": "yes", "HELM_MAX_HISTORY": "ten", "HELM_BURST_LIMIT": "1.5",
			"HELM_QPS": "fast", "HELM_KUBEINSECURE_SKIP_TLS_VERIFY": "maybe",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			want := cli.New().EnvVars()
			s := New(os.Getenv)
			s.Bin = want["HELM_BIN"]
			if got := s.VarMap(); !reflect.DeepEqual(got, want) {
				t.Errorf("variables differ from Helm's\n got %v\nwant %v", got, want)
			}
			if got, want := s.StartersDir(), helmpath.DataPath("starters"); got != want {
				t.Errorf("StartersDir = %q, Helm's %q", got, want)
			}
			if got, want := s.MaxHistory, cli.New().MaxHistory; got != want {
				t.Errorf("MaxHistory = %d, Helm's %d", got, want)
			}
		})
	}
}

// TestKpkgSpellings: KPKG_ names stand in for HELM_ ones; HELM_ wins.
func TestKpkgSpellings(t *testing.T) {
	env := map[string]string{
		"HOME":                   "/home/u",
		"KPKG_NAMESPACE":         "kns",
		"KPKG_KUBECONTEXT":       "kctx",
		"HELM_KUBECONTEXT":       "hctx",
		"KPKG_MAX_HISTORY":       "4",
		"KPKG_DATA_HOME":         "/kdata",
		"KPKG_REPOSITORY_CONFIG": "/k/repos.yaml",
		"HELM_REPOSITORY_CONFIG": "/h/repos.yaml",
		"KPKG_REGISTRY_CONFIG":   "/k/reg.json",
		"KPKG_KUBEASGROUPS":      "g1,g2",
		"KPKG_NO_PLUGINS":        "1",
		"KPKG_DRIVER":            "configmap",
		"KPKG_DEBUG":             "true",
		"HELM_DEBUG":             "", // empty counts as unset
	}
	s := New(func(k string) string { return env[k] })
	checks := []struct {
		name      string
		got, want any
	}{
		{"Namespace", s.Namespace, "kns"},
		{"KubeContext", s.KubeContext, "hctx"},
		{"MaxHistory", s.MaxHistory, 4},
		{"DataHome", s.DataHome, "/kdata"},
		{"StartersDir", s.StartersDir(), filepath.FromSlash("/kdata/starters")},
		{"PluginsDirectory", s.PluginsDirectory, filepath.FromSlash("/kdata/plugins")},
		{"RepositoryConfig", s.RepositoryConfig, "/h/repos.yaml"},
		{"RegistryConfig", s.RegistryConfig, "/k/reg.json"},
		{"KubeAsGroups", s.KubeAsGroups, []string{"g1", "g2"}},
		{"NoPlugins", s.NoPlugins, true},
		{"Driver", s.Driver, "configmap"},
		{"Debug", s.Debug, true},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

// TestOSDefaults are Helm's documented defaults per operating system.
func TestOSDefaults(t *testing.T) {
	env := map[string]string{"HOME": "/home/u", "APPDATA": `C:\Users\u\AppData\Roaming`, "TEMP": `C:\Temp`}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		goos                string
		cache, config, data string
	}{
		{"linux", "/home/u/.cache/helm", "/home/u/.config/helm", "/home/u/.local/share/helm"},
		{"freebsd", "/home/u/.cache/helm", "/home/u/.config/helm", "/home/u/.local/share/helm"},
		{"darwin", "/home/u/Library/Caches/helm", "/home/u/Library/Preferences/helm", "/home/u/Library/helm"},
		{"windows", `C:\Temp/helm`, `C:\Users\u\AppData\Roaming/helm`, `C:\Users\u\AppData\Roaming/helm`},
	}
	for _, tt := range tests {
		s := NewForOS(tt.goos, getenv)
		want := []string{filepath.FromSlash(tt.cache), filepath.FromSlash(tt.config), filepath.FromSlash(tt.data)}
		if got := []string{s.CacheHome, s.ConfigHome, s.DataHome}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: homes %q, want %q", tt.goos, got, want)
		}
	}
}

func TestVarsFormat(t *testing.T) {
	s := New(func(k string) string { return map[string]string{"HOME": "/h", "HELM_KUBETOKEN": `a"b`}[k] })
	s.Bin, s.KubeConfig = "/bin/kpkg", "/kube/config"
	vars := s.Vars()
	if first, last := vars[0].String(), vars[len(vars)-1].String(); first != `HELM_BIN="/bin/kpkg"` || last != `KUBECONFIG="/kube/config"` {
		t.Errorf("first %s, last %s", first, last)
	}
	if v, ok := s.Lookup("HELM_KUBETOKEN"); !ok || (Var{"HELM_KUBETOKEN", v}).String() != `HELM_KUBETOKEN="a"b"` {
		t.Errorf("token line %q", v)
	}
	if v, ok := s.Lookup("HELM_NAMESPACE"); !ok || v != "default" {
		t.Errorf("HELM_NAMESPACE = %q", v)
	}
	if _, ok := s.Lookup("NOPE"); ok {
		t.Error("Lookup found an unknown name")
	}
	if got := FormatQPS(12.345); got != "12.35" && got != "12.34" {
		t.Errorf("FormatQPS = %q", got)
	}
}

func TestRepositoryLockFile(t *testing.T) {
	for in, want := range map[string]string{
		"/c/repositories.yaml": "/c/repositories.lock",
		"/c/repos":             "/c/repos.lock",
		"/c/repos.d/list":      "/c/repos.d/list.lock",
		".yaml":                ".yaml.lock",
	} {
		if got := RepositoryLockFile(in); got != want {
			t.Errorf("RepositoryLockFile(%q) = %q, want %q", in, got, want)
		}
	}
}
