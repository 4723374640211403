// Package plugin owns Helm v3 plugins for kpkg: reading plugin.yaml,
// finding installed plugins in a list of directories, installing them (from
// a local directory, an http(s) .tgz archive or a git repository), updating
// and uninstalling them with their install/update/delete hooks, building
// the process for a command plugin ("kpkg NAME args..."), and fetching URLs
// through downloader plugins.
//
// Behaviour follows Helm v3.22.0 so that Helm and kpkg can share one plugins
// directory ($HELM_PLUGINS): the same plugin.yaml fields and name rules, the
// same choice among platformCommand entries, the same variable expansion,
// the same arguments for downloaders. The package reads no global settings:
// the environment a plugin sees (HELM_BIN, HELM_NAMESPACE, HELM_PLUGINS, ...)
// is an Env the caller fills, and nothing is printed; hook output goes to
// the writers the caller passes.
package plugin
