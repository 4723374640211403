package helmenv

import (
	"slices"
	"strconv"
	"strings"
)

// Var is one variable of "helm env".
type Var struct {
	Name, Value string
}

// String is the line "helm env" prints: NAME="value", the value as is
// (Helm does not escape quotes in it).
func (v Var) String() string {
	return v.Name + `="` + v.Value + `"`
}

// Vars are the variables "helm env" prints, sorted by name as Helm prints
// them: Helm's settings as it hands them to plugins. HELM_NAMESPACE is
// Namespace, or DefaultNamespace when empty; Helm prints the namespace its
// kubeconfig resolves to, so a caller that can resolve it sets Namespace to
// it first. KUBECONFIG is included only when KubeConfig is set.
func (s Settings) Vars() []Var {
	ns := s.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	vars := []Var{
		{"HELM_BIN", s.Bin},
		{"HELM_BURST_LIMIT", strconv.Itoa(s.BurstLimit)},
		{"HELM_CACHE_HOME", s.CacheHome},
		{"HELM_CONFIG_HOME", s.ConfigHome},
		{"HELM_DATA_HOME", s.DataHome},
		{"HELM_DEBUG", strconv.FormatBool(s.Debug)},
		{"HELM_KUBEAPISERVER", s.KubeAPIServer},
		{"HELM_KUBEASGROUPS", strings.Join(s.KubeAsGroups, ",")},
		{"HELM_KUBEASUSER", s.KubeAsUser},
		{"HELM_KUBECAFILE", s.KubeCAFile},
		{"HELM_KUBECONTEXT", s.KubeContext},
		{"HELM_KUBEINSECURE_SKIP_TLS_VERIFY", strconv.FormatBool(s.KubeInsecureSkipTLSVerify)},
		{"HELM_KUBETLS_SERVER_NAME", s.KubeTLSServerName},
		{"HELM_KUBETOKEN", s.KubeToken},
		{"HELM_MAX_HISTORY", strconv.Itoa(s.MaxHistory)},
		{"HELM_NAMESPACE", ns},
		{"HELM_PLUGINS", s.PluginsDirectory},
		{"HELM_QPS", FormatQPS(s.QPS)},
		{"HELM_REGISTRY_CONFIG", s.RegistryConfig},
		{"HELM_REPOSITORY_CACHE", s.RepositoryCache},
		{"HELM_REPOSITORY_CONFIG", s.RepositoryConfig},
	}
	if s.KubeConfig != "" {
		vars = append(vars, Var{"KUBECONFIG", s.KubeConfig})
	}
	// Helm sorts the names before printing.
	slices.SortFunc(vars, func(a, b Var) int { return strings.Compare(a.Name, b.Name) })
	return vars
}

// VarMap is Vars as a map, the form a plugin's environment takes.
func (s Settings) VarMap() map[string]string {
	m := map[string]string{}
	for _, v := range s.Vars() {
		m[v.Name] = v.Value
	}
	return m
}

// Lookup returns the value "helm env NAME" prints; ok is false for a name
// Helm does not print (Helm then prints an empty line).
func (s Settings) Lookup(name string) (value string, ok bool) {
	for _, v := range s.Vars() {
		if v.Name == name {
			return v.Value, true
		}
	}
	return "", false
}

// FormatQPS writes a QPS value as Helm does: two decimals.
func FormatQPS(qps float32) string {
	return strconv.FormatFloat(float64(qps), 'f', 2, 32)
}
