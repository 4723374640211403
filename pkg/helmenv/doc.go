// Package helmenv owns Helm's client environment as Helm v3.22.0 resolves
// it: the HELM_* variables "helm env" prints and the ones Helm reads
// elsewhere (HELM_DRIVER, HELM_NO_PLUGINS), and the files and directories
// Helm keeps under its cache, configuration and data homes
// (repositories.yaml, the repository cache, registry/config.json, plugins,
// starters). A program that reads the same environment finds the same files
// Helm does, so Helm and kpkg share one setup.
//
// Precedence is Helm's: command-line flags (applied by the caller over the
// returned Settings) beat HELM_* variables, which beat the defaults. Every
// HELM_NAME variable may also be spelled KPKG_NAME, the names kpkg used
// before it shared Helm's environment; when both are set, HELM_NAME wins.
// XDG_* and the operating system's variables (HOME, APPDATA, TEMP) are read
// under their own names only.
//
// One deliberate difference: a variable set to the empty string counts as
// unset. Helm takes an empty HELM_REPOSITORY_CONFIG, HELM_REPOSITORY_CACHE,
// HELM_REGISTRY_CONFIG or HELM_PLUGINS literally, as an empty path, which
// no command can use.
//
// The package reads the environment only through the getenv function it is
// given, holds no global state and prints nothing. Resolving the namespace
// of the current kubeconfig context needs a Kubernetes client library and is
// left to the caller (see Settings.Namespace).
package helmenv
