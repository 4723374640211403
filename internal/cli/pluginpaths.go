package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// This file is a stand-in for the Helm environment and paths that another
// change brings to kpkg (HELM_* variables, helmpath's directories); it holds
// just what the plugin commands need and is meant to be replaced by it.

// helmHome returns Helm's base directory for kind ("CACHE", "CONFIG" or
// "DATA"): $HELM_<kind>_HOME, else $XDG_<kind>_HOME/helm, else the XDG
// default under the home directory (Helm's Linux layout).
func helmHome(getenv func(string) string, kind string) string {
	if v := getenv("HELM_" + kind + "_HOME"); v != "" {
		return v
	}
	if v := getenv("XDG_" + kind + "_HOME"); v != "" {
		return filepath.Join(v, "helm")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	fallback := map[string]string{"CACHE": ".cache", "CONFIG": ".config", "DATA": filepath.Join(".local", "share")}[kind]
	return filepath.Join(home, fallback, "helm")
}

// pluginDirs is Helm's plugin search path: $HELM_PLUGINS (a list), else
// $HELM_DATA_HOME/plugins, else $XDG_DATA_HOME/helm/plugins, else
// ~/.local/share/helm/plugins. Installs go to the first entry.
func pluginDirs(getenv func(string) string) []string {
	if v := getenv("HELM_PLUGINS"); v != "" {
		return filepath.SplitList(v)
	}
	return []string{filepath.Join(helmHome(getenv, "DATA"), "plugins")}
}

// pluginSettings are the global flags a plugin run can be given (Helm's
// global flags, which kpkg takes per command) that end up in its
// environment.
type pluginSettings struct {
	kube                                              *kubeFlags
	debug                                             bool
	tlsServerName                                     string
	registryConfig, repositoryConfig, repositoryCache string
}

// helmEnvVars is what "helm env" prints, for plugins: HELM_BIN is this
// program, so plugins that call $HELM_BIN call kpkg.
func helmEnvVars(getenv func(string) string, s pluginSettings) map[string]string {
	or := func(v, def string) string {
		if v != "" {
			return v
		}
		return def
	}
	cache, config, data := helmHome(getenv, "CACHE"), helmHome(getenv, "CONFIG"), helmHome(getenv, "DATA")
	c := s.kube.config
	ns, _, err := c.ToRawKubeConfigLoader().Namespace()
	if err != nil || ns == "" {
		ns = or(*c.Namespace, "default")
	}
	debug, _ := strconv.ParseBool(getenv("HELM_DEBUG"))
	vars := map[string]string{
		"HELM_BIN":                          os.Args[0],
		"HELM_CACHE_HOME":                   cache,
		"HELM_CONFIG_HOME":                  config,
		"HELM_DATA_HOME":                    data,
		"HELM_DEBUG":                        strconv.FormatBool(s.debug || debug),
		"HELM_PLUGINS":                      or(getenv("HELM_PLUGINS"), filepath.Join(data, "plugins")),
		"HELM_REGISTRY_CONFIG":              or(s.registryConfig, or(getenv("HELM_REGISTRY_CONFIG"), filepath.Join(config, "registry", "config.json"))),
		"HELM_REPOSITORY_CACHE":             or(s.repositoryCache, or(getenv("HELM_REPOSITORY_CACHE"), filepath.Join(cache, "repository"))),
		"HELM_REPOSITORY_CONFIG":            or(s.repositoryConfig, or(getenv("HELM_REPOSITORY_CONFIG"), filepath.Join(config, "repositories.yaml"))),
		"HELM_NAMESPACE":                    ns,
		"HELM_MAX_HISTORY":                  or(getenv("HELM_MAX_HISTORY"), "10"),
		"HELM_BURST_LIMIT":                  or(getenv("HELM_BURST_LIMIT"), "100"),
		"HELM_QPS":                          or(getenv("HELM_QPS"), "0.00"),
		"HELM_KUBECONTEXT":                  *c.Context,
		"HELM_KUBETOKEN":                    *c.BearerToken,
		"HELM_KUBEASUSER":                   *c.Impersonate,
		"HELM_KUBEASGROUPS":                 strings.Join(*c.ImpersonateGroup, ","),
		"HELM_KUBEAPISERVER":                *c.APIServer,
		"HELM_KUBECAFILE":                   *c.CAFile,
		"HELM_KUBEINSECURE_SKIP_TLS_VERIFY": strconv.FormatBool(*c.Insecure),
		"HELM_KUBETLS_SERVER_NAME":          s.tlsServerName,
	}
	if k := or(*c.KubeConfig, getenv("KUBECONFIG")); k != "" {
		vars["KUBECONFIG"] = k
	}
	return vars
}
