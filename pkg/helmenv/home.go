package helmenv

import "path/filepath"

// homeKind is one of Helm's three base directories.
type homeKind int

const (
	cacheHome homeKind = iota
	configHome
	dataHome
)

// names are the variable suffixes of each kind: HELM_CACHE_HOME,
// XDG_CACHE_HOME, and so on.
var homeNames = [...]string{cacheHome: "CACHE_HOME", configHome: "CONFIG_HOME", dataHome: "DATA_HOME"}

// appName is the directory Helm adds under an XDG or default base.
const appName = "helm"

// home resolves a base directory in Helm's order: HELM_<kind>_HOME as is,
// else XDG_<kind>_HOME/helm, else the OS default/helm. Helm's HOME (on
// macOS and the Unix defaults) is $HOME even when empty, which makes the
// paths relative; that is kept.
func (e env) home(kind homeKind) string {
	if v := e.helm(homeNames[kind]); v != "" {
		return filepath.Clean(v)
	}
	base := e.getenv("XDG_" + homeNames[kind])
	if base == "" {
		base = e.osDefault(kind)
	}
	return filepath.Join(base, appName)
}

// osDefault is Helm's default base of kind on e.goos: the XDG defaults on
// Unix, ~/Library on macOS, %TEMP% and %APPDATA% on Windows.
func (e env) osDefault(kind homeKind) string {
	home := e.getenv("HOME")
	switch e.goos {
	case "darwin":
		return filepath.Join(home, [...]string{
			cacheHome:  filepath.Join("Library", "Caches"),
			configHome: filepath.Join("Library", "Preferences"),
			dataHome:   "Library",
		}[kind])
	case "windows":
		if kind == cacheHome {
			return e.getenv("TEMP")
		}
		return e.getenv("APPDATA")
	}
	return filepath.Join(home, [...]string{
		cacheHome:  ".cache",
		configHome: ".config",
		dataHome:   filepath.Join(".local", "share"),
	}[kind])
}
