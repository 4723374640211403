package cli

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestPluginDirs(t *testing.T) {
	sep := string(filepath.ListSeparator)
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"HELM_PLUGINS list", map[string]string{"HELM_PLUGINS": "/a" + sep + "/b", "HELM_DATA_HOME": "/d"}, []string{"/a", "/b"}},
		{"HELM_DATA_HOME", map[string]string{"HELM_DATA_HOME": "/d", "XDG_DATA_HOME": "/x"}, []string{"/d/plugins"}},
		{"XDG_DATA_HOME", map[string]string{"XDG_DATA_HOME": "/x", "HOME": "/h"}, []string{"/x/helm/plugins"}},
		{"home", map[string]string{"HOME": "/h"}, []string{"/h/.local/share/helm/plugins"}},
	}
	for _, tt := range tests {
		got := pluginDirs(func(k string) string { return tt.env[k] })
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: pluginDirs = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestHelmEnvVars checks the variables "helm env" prints are all there,
// with Helm's defaults and the global flags applied.
func TestHelmEnvVars(t *testing.T) {
	env := map[string]string{"HOME": "/h", "HELM_CONFIG_HOME": "/cfg", "KUBECONFIG": filepath.Join(t.TempDir(), "none")}
	s, err := parsePluginGlobals([]string{"-n", "ns1", "--kube-context=ctx", "--debug", "--repository-cache", "/rc", "--kube-as-group", "a", "--kube-as-group", "b"})
	if err != nil {
		t.Fatal(err)
	}
	got := helmEnvVars(func(k string) string { return env[k] }, s)
	want := map[string]string{
		"HELM_CACHE_HOME":                   "/h/.cache/helm",
		"HELM_CONFIG_HOME":                  "/cfg",
		"HELM_DATA_HOME":                    "/h/.local/share/helm",
		"HELM_DEBUG":                        "true",
		"HELM_PLUGINS":                      "/h/.local/share/helm/plugins",
		"HELM_REGISTRY_CONFIG":              "/cfg/registry/config.json",
		"HELM_REPOSITORY_CACHE":             "/rc",
		"HELM_REPOSITORY_CONFIG":            "/cfg/repositories.yaml",
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
		"KUBECONFIG":                        env["KUBECONFIG"],
	}
	delete(got, "HELM_BIN")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("helmEnvVars:\n got %v\nwant %v", got, want)
	}
}
