package repo

import (
	"os"
	"path/filepath"
	"strings"
)

// Paths locates kpkg's repository configuration, its cache and the registry
// credentials file. The zero value is not usable: build one with
// PathsFromEnv or fill every field.
type Paths struct {
	// RepositoryConfig is repositories.yaml.
	RepositoryConfig string
	// RepositoryCache holds "<name>-index.yaml" and "<name>-charts.txt".
	RepositoryCache string
	// RegistryConfig is the Docker-style credentials file for OCI registries.
	RegistryConfig string
}

// PathsFromEnv computes Paths the way Helm does, with kpkg's names:
// KPKG_REPOSITORY_CONFIG, KPKG_REPOSITORY_CACHE and KPKG_REGISTRY_CONFIG win;
// otherwise $XDG_CONFIG_HOME/kpkg and $XDG_CACHE_HOME/kpkg, falling back to
// ~/.config and ~/.cache. getenv is os.Getenv outside tests.
func PathsFromEnv(getenv func(string) string) Paths {
	if getenv == nil {
		getenv = os.Getenv
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	xdg := func(env, fallback string) string {
		if v := getenv(env); v != "" {
			return v
		}
		return filepath.Join(home, fallback)
	}
	configDir := filepath.Join(xdg("XDG_CONFIG_HOME", ".config"), "kpkg")
	cacheDir := filepath.Join(xdg("XDG_CACHE_HOME", ".cache"), "kpkg")
	pick := func(env, def string) string {
		if v := getenv(env); v != "" {
			return v
		}
		return def
	}
	return Paths{
		RepositoryConfig: pick("KPKG_REPOSITORY_CONFIG", filepath.Join(configDir, "repositories.yaml")),
		RepositoryCache:  pick("KPKG_REPOSITORY_CACHE", filepath.Join(cacheDir, "repository")),
		RegistryConfig:   pick("KPKG_REGISTRY_CONFIG", filepath.Join(configDir, "registry", "config.json")),
	}
}

// CacheIndexFile is the cached index of repository name.
func (p Paths) CacheIndexFile(name string) string {
	return filepath.Join(p.RepositoryCache, name+"-index.yaml")
}

// CacheChartsFile is the cached list of chart names of repository name,
// used by shell completion.
func (p Paths) CacheChartsFile(name string) string {
	return filepath.Join(p.RepositoryCache, name+"-charts.txt")
}

// lockFile guards repositories.yaml and the cache: "repositories.lock" next
// to the configuration, as Helm names it, so the two tools exclude each other.
func (p Paths) lockFile() string {
	cfg := p.RepositoryConfig
	return strings.TrimSuffix(cfg, filepath.Ext(cfg)) + ".lock"
}
