package repo

import (
	"path/filepath"
	"strings"
)

// Paths locates the repository configuration, its cache and the registry
// credentials file. The zero value is not usable: fill every field, usually
// from Helm's environment (helmenv.Settings), so Helm and kpkg share them.
type Paths struct {
	// RepositoryConfig is repositories.yaml.
	RepositoryConfig string
	// RepositoryCache holds "<name>-index.yaml" and "<name>-charts.txt".
	RepositoryCache string
	// RegistryConfig is the Docker-style credentials file for OCI registries.
	RegistryConfig string
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
