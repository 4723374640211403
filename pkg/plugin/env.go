package plugin

import (
	"os"
	"runtime"
	"slices"
	"strings"
)

// Env is what a plugin process gets, filled by the caller: this package
// reads no environment or settings of its own.
type Env struct {
	// Vars are Helm's variables as "helm env" prints them: HELM_BIN,
	// HELM_CACHE_HOME, HELM_CONFIG_HOME, HELM_DATA_HOME, HELM_DEBUG,
	// HELM_PLUGINS, HELM_REGISTRY_CONFIG, HELM_REPOSITORY_CACHE,
	// HELM_REPOSITORY_CONFIG, HELM_NAMESPACE, HELM_KUBECONTEXT, and the
	// rest. They override Inherit. HELM_PLUGIN_NAME and HELM_PLUGIN_DIR are
	// added per plugin and override both.
	Vars map[string]string
	// Inherit is the base environment as KEY=VALUE entries, usually
	// os.Environ(); nil starts from an empty environment.
	Inherit []string
	// OS and Arch choose among platformCommand and platformHooks entries;
	// empty means runtime.GOOS and runtime.GOARCH.
	OS, Arch string
}

func (e Env) goos() string {
	if e.OS != "" {
		return e.OS
	}
	return runtime.GOOS
}

func (e Env) goarch() string {
	if e.Arch != "" {
		return e.Arch
	}
	return runtime.GOARCH
}

// pluginEnv is the environment of one plugin's processes: Inherit, then
// Vars, then HELM_PLUGIN_NAME and HELM_PLUGIN_DIR, later entries winning,
// plus extra. It returns the KEY=VALUE list and a lookup for expansion.
func (e Env) pluginEnv(p *Plugin, extra map[string]string) ([]string, func(string) string) {
	vals := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := vals[k]; !ok {
			order = append(order, k)
		}
		vals[k] = v
	}
	for _, kv := range e.Inherit {
		if k, v, ok := strings.Cut(kv, "="); ok {
			set(k, v)
		}
	}
	for _, k := range sortedKeys(e.Vars) {
		set(k, e.Vars[k])
	}
	set("HELM_PLUGIN_NAME", p.Name())
	set("HELM_PLUGIN_DIR", p.Dir)
	for _, k := range sortedKeys(extra) {
		set(k, extra[k])
	}
	list := make([]string, 0, len(order))
	for _, k := range order {
		list = append(list, k+"="+vals[k])
	}
	return list, func(k string) string { return vals[k] }
}

// expand replaces $VAR and ${VAR} as Helm does with os.ExpandEnv, but from
// the plugin's environment instead of this process's.
func expand(s string, lookup func(string) string) string {
	return os.Expand(s, lookup)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
