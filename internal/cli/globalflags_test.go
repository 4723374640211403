package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	helmcli "helm.sh/helm/v3/pkg/cli"
	"k8s.io/client-go/rest"

	"github.com/kpkg/kpkg/pkg/helmenv"
	"github.com/kpkg/kpkg/pkg/kube"
)

// unsetToolEnv unsets Helm's, kpkg's and the XDG variables for the test,
// keeping KPKG_TEST_* (the paths of the test tools).
func unsetToolEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if (strings.HasPrefix(k, "HELM_") || strings.HasPrefix(k, "KPKG_") || strings.HasPrefix(k, "XDG_")) && !strings.HasPrefix(k, "KPKG_TEST_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
}

// cleanEnv unsets Helm's and kpkg's variables for the test and gives it a
// fresh HOME without a kubeconfig.
func cleanEnv(t *testing.T) string {
	t.Helper()
	unsetToolEnv(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("KUBECONFIG", filepath.Join(home, "no-kubeconfig"))
	return home
}

// settingsFor parses args with the real command tree and returns the
// settings the command they name runs with.
func settingsFor(t *testing.T, args ...string) (helmenv.Settings, *cobra.Command) {
	t.Helper()
	var out bytes.Buffer
	root := NewRootCommand(IO{Out: &out, Err: &out})
	cmd, rest, err := root.Find(args)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return envSettings(cmd), cmd
}

// Flags beat HELM_ variables, which beat KPKG_ ones, which beat defaults;
// the global flags are accepted before and after any command.
func TestGlobalSettingsPrecedence(t *testing.T) {
	cleanEnv(t)
	t.Setenv("KPKG_NAMESPACE", "from-kpkg")
	t.Setenv("KPKG_KUBECONTEXT", "ctx-kpkg")
	t.Setenv("HELM_KUBECONTEXT", "ctx-helm")
	t.Setenv("KPKG_KUBEASGROUPS", "a,b")
	t.Setenv("KPKG_KUBEINSECURE_SKIP_TLS_VERIFY", "true")
	t.Setenv("HELM_QPS", "7")
	tests := []struct {
		args               []string
		namespace, context string
		groups             []string
		insecure           bool
		qps                float32
		burst              int
	}{
		{[]string{"repo", "list"}, "from-kpkg", "ctx-helm", []string{"a", "b"}, true, 7, 100},
		{[]string{"-n", "flag", "repo", "list", "--kube-context", "ctx-flag", "--qps", "2.5"}, "flag", "ctx-flag", []string{"a", "b"}, true, 2.5, 100},
		{[]string{"status", "x", "--kube-as-group", "g1", "--kube-as-group", "g2", "--burst-limit=-1", "--kube-insecure-skip-tls-verify=false"}, "from-kpkg", "ctx-helm", []string{"g1", "g2"}, false, 7, -1},
		{[]string{"--namespace=ns", "template", "."}, "ns", "ctx-helm", []string{"a", "b"}, true, 7, 100},
	}
	for _, tt := range tests {
		s, _ := settingsFor(t, tt.args...)
		if s.Namespace != tt.namespace || s.KubeContext != tt.context || !reflect.DeepEqual(s.KubeAsGroups, tt.groups) ||
			s.KubeInsecureSkipTLSVerify != tt.insecure || s.QPS != tt.qps || s.BurstLimit != tt.burst {
			t.Errorf("%q: namespace %q context %q groups %q insecure %v qps %v burst %d", tt.args, s.Namespace, s.KubeContext, s.KubeAsGroups, s.KubeInsecureSkipTLSVerify, s.QPS, s.BurstLimit)
		}
	}
}

func TestHistoryMaxDefault(t *testing.T) {
	cleanEnv(t)
	t.Setenv("KPKG_MAX_HISTORY", "3")
	_, cmd := settingsFor(t, "upgrade", "r", "c")
	if got := cmd.Flags().Lookup("history-max").DefValue; got != "3" {
		t.Errorf("--history-max default %s with KPKG_MAX_HISTORY=3", got)
	}
	t.Setenv("HELM_MAX_HISTORY", "5")
	_, cmd = settingsFor(t, "rollback", "r")
	if got := cmd.Flags().Lookup("history-max").DefValue; got != "5" {
		t.Errorf("--history-max default %s with HELM_MAX_HISTORY=5", got)
	}
}

// TestGlobalFlagsLikeHelm compares the root's persistent flags with the
// ones Helm's own EnvSettings.AddFlags registers: names, shorthands, types,
// defaults and help text. Helm also has klog's flags, hidden.
func TestGlobalFlagsLikeHelm(t *testing.T) {
	cleanEnv(t)
	t.Setenv("HELM_NAMESPACE", "ns1")
	t.Setenv("HELM_KUBEASGROUPS", "a,b")
	t.Setenv("HELM_QPS", "3")
	helm := pflag.NewFlagSet("helm", pflag.ContinueOnError)
	helmcli.New().AddFlags(helm)
	addKlogFlags(helm)
	root := NewRootCommand(IO{})
	ours := root.PersistentFlags()
	helm.VisitAll(func(h *pflag.Flag) {
		k := ours.Lookup(h.Name)
		if k == nil {
			t.Errorf("--%s is missing", h.Name)
			return
		}
		got := []any{k.Shorthand, k.Value.Type(), k.DefValue, k.Usage, k.Hidden}
		want := []any{h.Shorthand, h.Value.Type(), h.DefValue, h.Usage, h.Hidden}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("--%s: %q, Helm %q", h.Name, got, want)
		}
	})
	ours.VisitAll(func(k *pflag.Flag) {
		if helm.Lookup(k.Name) == nil {
			t.Errorf("--%s is not one of Helm's global flags", k.Name)
		}
	})
}

// No command may define a flag that hides a global one: "kpkg -n x CMD"
// and "kpkg CMD -n x" must mean the same for every command.
func TestNoCommandShadowsGlobalFlags(t *testing.T) {
	root := NewRootCommand(IO{})
	global := root.PersistentFlags()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
			if global.Lookup(f.Name) != nil || (f.Shorthand != "" && global.ShorthandLookup(f.Shorthand) != nil) {
				t.Errorf("%s: --%s (-%s) hides a global flag", c.CommandPath(), f.Name, f.Shorthand)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func TestPluginEnvironment(t *testing.T) {
	home := cleanEnv(t)
	t.Setenv("HELM_CONFIG_HOME", "/cfg")
	s, err := parsePluginGlobals(envSettings(nil), []string{"-n", "ns1", "--kube-context=ctx", "--debug", "--repository-cache", "/rc", "--kube-as-group", "a", "--kube-as-group", "b", "--kubeconfig", "/kc"})
	if err != nil {
		t.Fatal(err)
	}
	got := pluginEnv(s).Vars
	want := map[string]string{
		"HELM_BIN":                          os.Args[0],
		"HELM_CACHE_HOME":                   filepath.Join(home, ".cache", "helm"),
		"HELM_CONFIG_HOME":                  "/cfg",
		"HELM_DATA_HOME":                    filepath.Join(home, ".local", "share", "helm"),
		"HELM_DEBUG":                        "true",
		"HELM_PLUGINS":                      filepath.Join(home, ".local", "share", "helm", "plugins"),
		"HELM_REGISTRY_CONFIG":              filepath.FromSlash("/cfg/registry/config.json"),
		"HELM_REPOSITORY_CACHE":             "/rc",
		"HELM_REPOSITORY_CONFIG":            filepath.FromSlash("/cfg/repositories.yaml"),
		"HELM_NAMESPACE":                    "ns1",
		"HELM_MAX_HISTORY":                  "10",
		"HELM_BURST_LIMIT":                  "100",
		"HELM_QPS":                          "0.00",
		"HELM_KUBECONTEXT":                  "ctx",
		"HELM_KUBETOKEN":                    "",
		"HELM_KUBEASUSER":                   "",
		"HELM_KUBEASGROUPS":                 "a,b",
		"HELM_KUBEAPISERVER":                "",
		"HELM_KUBECAFILE":                   "",
		"HELM_KUBEINSECURE_SKIP_TLS_VERIFY": "false",
		"HELM_KUBETLS_SERVER_NAME":          "",
		"KUBECONFIG":                        "/kc",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plugin variables:\n got %v\nwant %v", got, want)
	}
}

// --qps and --burst-limit reach the REST config when given; otherwise
// kpkg's own rates apply.
func TestRates(t *testing.T) {
	tests := []struct {
		qps   float32
		burst int
		want  [2]float64
	}{
		{helmenv.DefaultQPS, helmenv.DefaultBurstLimit, [2]float64{kube.DefaultQPS, kube.DefaultBurst}},
		{20, helmenv.DefaultBurstLimit, [2]float64{20, kube.DefaultBurst}},
		{helmenv.DefaultQPS, 300, [2]float64{kube.DefaultQPS, 300}},
		{-1, 10, [2]float64{-1, 10}},
	}
	for _, tt := range tests {
		cfg := withRates(&rest.Config{}, helmenv.Settings{QPS: tt.qps, BurstLimit: tt.burst})
		if got := [2]float64{float64(cfg.QPS), float64(cfg.Burst)}; got != tt.want {
			t.Errorf("qps %v burst %d: rest config %v, want %v", tt.qps, tt.burst, got, tt.want)
		}
	}
}
