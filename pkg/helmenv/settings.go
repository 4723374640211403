package helmenv

import (
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Helm's defaults for the settings that are not paths.
const (
	DefaultMaxHistory = 10
	DefaultBurstLimit = 100
	DefaultQPS        = float32(0)
	// DefaultNamespace is the namespace used when neither a flag, the
	// environment nor the kubeconfig context names one.
	DefaultNamespace = "default"
)

// Settings are Helm's client settings. New fills them from the
// environment; a caller applies its command-line flags over them. Every
// field is plain data: copying a Settings copies the settings.
type Settings struct {
	// CacheHome, ConfigHome and DataHome are Helm's base directories:
	// $HELM_CACHE_HOME (resp. CONFIG, DATA), else $XDG_CACHE_HOME/helm,
	// else the operating system's default followed by "helm".
	CacheHome, ConfigHome, DataHome string

	// Debug is HELM_DEBUG (--debug): verbose output.
	Debug bool
	// Namespace is HELM_NAMESPACE (-n/--namespace) as given, "" when
	// neither names one. Helm then takes the kubeconfig context's
	// namespace, else DefaultNamespace; that lookup is the caller's.
	Namespace string
	// KubeConfig is --kubeconfig. Helm has no HELM_ variable for it: the
	// kubeconfig loader reads KUBECONFIG itself.
	KubeConfig string
	// KubeContext is HELM_KUBECONTEXT (--kube-context).
	KubeContext string
	// KubeToken is HELM_KUBETOKEN (--kube-token), a bearer token.
	KubeToken string
	// KubeAsUser is HELM_KUBEASUSER (--kube-as-user), the user to impersonate.
	KubeAsUser string
	// KubeAsGroups is HELM_KUBEASGROUPS (comma-separated; --kube-as-group,
	// repeated), the groups to impersonate.
	KubeAsGroups []string
	// KubeAPIServer is HELM_KUBEAPISERVER (--kube-apiserver).
	KubeAPIServer string
	// KubeCAFile is HELM_KUBECAFILE (--kube-ca-file).
	KubeCAFile string
	// KubeInsecureSkipTLSVerify is HELM_KUBEINSECURE_SKIP_TLS_VERIFY
	// (--kube-insecure-skip-tls-verify).
	KubeInsecureSkipTLSVerify bool
	// KubeTLSServerName is HELM_KUBETLS_SERVER_NAME (--kube-tls-server-name).
	KubeTLSServerName string

	// MaxHistory is HELM_MAX_HISTORY, the default of --history-max.
	MaxHistory int
	// BurstLimit is HELM_BURST_LIMIT (--burst-limit), the client-side
	// throttling burst.
	BurstLimit int
	// QPS is HELM_QPS (--qps), requests per second to the API server; 0
	// leaves the client library's default.
	QPS float32

	// PluginsDirectory is HELM_PLUGINS: a list of directories separated by
	// the OS list separator; plugins install into the first.
	PluginsDirectory string
	// RegistryConfig is HELM_REGISTRY_CONFIG (--registry-config), the OCI
	// registry credentials file.
	RegistryConfig string
	// RepositoryConfig is HELM_REPOSITORY_CONFIG (--repository-config),
	// repositories.yaml.
	RepositoryConfig string
	// RepositoryCache is HELM_REPOSITORY_CACHE (--repository-cache), the
	// directory of downloaded repository indexes.
	RepositoryCache string

	// Driver is HELM_DRIVER, the release storage backend ("" means Secrets).
	Driver string
	// NoPlugins is HELM_NO_PLUGINS=1: plugins are not loaded as commands.
	NoPlugins bool

	// Bin is the program plugins call back as $HELM_BIN. Helm prints its
	// own argv[0]; New leaves it empty for the caller to fill.
	Bin string
}

// New reads Helm's settings from the environment of the running operating
// system. getenv is os.Getenv outside tests; nil reads nothing.
func New(getenv func(string) string) Settings {
	return NewForOS(runtime.GOOS, getenv)
}

// NewForOS is New with the operating system's default directories of goos
// ("linux", "darwin", "windows", ...).
func NewForOS(goos string, getenv func(string) string) Settings {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	e := env{getenv: getenv, goos: goos}
	s := Settings{
		CacheHome:                 e.home(cacheHome),
		ConfigHome:                e.home(configHome),
		DataHome:                  e.home(dataHome),
		Debug:                     e.boolean("DEBUG", false),
		Namespace:                 e.helm("NAMESPACE"),
		KubeContext:               e.helm("KUBECONTEXT"),
		KubeToken:                 e.helm("KUBETOKEN"),
		KubeAsUser:                e.helm("KUBEASUSER"),
		KubeAsGroups:              e.list("KUBEASGROUPS"),
		KubeAPIServer:             e.helm("KUBEAPISERVER"),
		KubeCAFile:                e.helm("KUBECAFILE"),
		KubeInsecureSkipTLSVerify: e.boolean("KUBEINSECURE_SKIP_TLS_VERIFY", false),
		KubeTLSServerName:         e.helm("KUBETLS_SERVER_NAME"),
		MaxHistory:                e.integer("MAX_HISTORY", DefaultMaxHistory),
		BurstLimit:                e.integer("BURST_LIMIT", DefaultBurstLimit),
		QPS:                       e.float32("QPS", DefaultQPS),
		Driver:                    e.helm("DRIVER"),
		NoPlugins:                 e.helm("NO_PLUGINS") == "1",
	}
	s.PluginsDirectory = e.helmOr("PLUGINS", s.DefaultPluginsDirectory())
	s.RegistryConfig = e.helmOr("REGISTRY_CONFIG", s.DefaultRegistryConfig())
	s.RepositoryConfig = e.helmOr("REPOSITORY_CONFIG", s.DefaultRepositoryConfig())
	s.RepositoryCache = e.helmOr("REPOSITORY_CACHE", s.DefaultRepositoryCache())
	return s
}

// env reads HELM_ variables with their KPKG_ spellings as a fallback.
type env struct {
	getenv func(string) string
	goos   string
}

// helm returns HELM_name, else KPKG_name, else "".
func (e env) helm(name string) string {
	if v := e.getenv("HELM_" + name); v != "" {
		return v
	}
	return e.getenv("KPKG_" + name)
}

func (e env) helmOr(name, def string) string {
	if v := e.helm(name); v != "" {
		return v
	}
	return def
}

// boolean, integer and float32 fall back to def on a value that does not
// parse, as Helm does.
func (e env) boolean(name string, def bool) bool {
	if v, err := strconv.ParseBool(e.helm(name)); err == nil {
		return v
	}
	return def
}

func (e env) integer(name string, def int) int {
	if v, err := strconv.Atoi(e.helm(name)); err == nil {
		return v
	}
	return def
}

func (e env) float32(name string, def float32) float32 {
	if v, err := strconv.ParseFloat(e.helm(name), 32); err == nil {
		return float32(v)
	}
	return def
}

// list splits a comma-separated value after trimming commas and spaces
// from its ends; the items themselves are kept as written, as in Helm.
func (e env) list(name string) []string {
	v := strings.Trim(e.helm(name), ", ")
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// DefaultPluginsDirectory is where plugins live when HELM_PLUGINS is unset.
func (s Settings) DefaultPluginsDirectory() string {
	return filepath.Join(s.DataHome, "plugins")
}

// DefaultRegistryConfig is the registry credentials file when
// HELM_REGISTRY_CONFIG is unset.
func (s Settings) DefaultRegistryConfig() string {
	return filepath.Join(s.ConfigHome, "registry", "config.json")
}

// DefaultRepositoryConfig is repositories.yaml when HELM_REPOSITORY_CONFIG
// is unset.
func (s Settings) DefaultRepositoryConfig() string {
	return filepath.Join(s.ConfigHome, "repositories.yaml")
}

// DefaultRepositoryCache is the index cache when HELM_REPOSITORY_CACHE is
// unset.
func (s Settings) DefaultRepositoryCache() string {
	return filepath.Join(s.CacheHome, "repository")
}

// StartersDir holds the starter charts "create --starter NAME" looks up.
func (s Settings) StartersDir() string {
	return filepath.Join(s.DataHome, "starters")
}

// PluginDirs splits PluginsDirectory into its directories; plugins are
// looked up in this order and installed into the first.
func (s Settings) PluginDirs() []string {
	return filepath.SplitList(s.PluginsDirectory)
}

// RepositoryLockFile is the lock Helm takes while it changes
// repositories.yaml: the file's path with its extension replaced by
// ".lock" (".lock" appended when it has none). Holding the same lock makes
// concurrent Helm and kpkg repository commands take turns.
func RepositoryLockFile(repositoryConfig string) string {
	ext := filepath.Ext(repositoryConfig)
	if ext != "" && len(ext) < len(repositoryConfig) {
		return strings.TrimSuffix(repositoryConfig, ext) + ".lock"
	}
	return repositoryConfig + ".lock"
}
