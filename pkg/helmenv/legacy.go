package helmenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kpkg/kpkg/pkg/internal/atomicfile"
	"github.com/kpkg/kpkg/pkg/internal/filelock"
)

// Legacy are the places kpkg kept its files before it shared Helm's:
// directories named "kpkg" under the XDG homes (or their defaults under
// $HOME, on every operating system).
type Legacy struct {
	// RepositoryConfig is $XDG_CONFIG_HOME/kpkg/repositories.yaml.
	RepositoryConfig string
	// RepositoryCache is $XDG_CACHE_HOME/kpkg/repository.
	RepositoryCache string
	// RegistryConfig is $XDG_CONFIG_HOME/kpkg/registry/config.json.
	RegistryConfig string
	// StartersDir is $XDG_DATA_HOME/kpkg/starters.
	StartersDir string
}

// LegacyPaths computes kpkg's former locations from the environment. With
// neither the XDG variable nor HOME set, the path is left empty.
func LegacyPaths(getenv func(string) string) Legacy {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	base := func(xdg, fallback string) string {
		if v := getenv(xdg); v != "" {
			return filepath.Join(v, "kpkg")
		}
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, fallback, "kpkg")
		}
		return ""
	}
	join := func(dir string, elem ...string) string {
		if dir == "" {
			return ""
		}
		return filepath.Join(append([]string{dir}, elem...)...)
	}
	config := base("XDG_CONFIG_HOME", ".config")
	return Legacy{
		RepositoryConfig: join(config, "repositories.yaml"),
		RepositoryCache:  join(base("XDG_CACHE_HOME", ".cache"), "repository"),
		RegistryConfig:   join(config, "registry", "config.json"),
		StartersDir:      join(base("XDG_DATA_HOME", filepath.Join(".local", "share")), "starters"),
	}
}

// Migration is a file (or the files of a directory) Migrate copied.
type Migration struct {
	From, To string
}

// Migrate copies kpkg's former repositories.yaml and registry credentials
// to Helm's locations, once: a file is copied only when s uses Helm's
// default location for it (no variable or flag moved it), nothing is there
// yet and the former file exists. When repositories.yaml is copied, the
// cached indexes come along (each file Helm's cache lacks), so search works
// without an update. The former files are left in place, for older kpkg
// versions. repositories.yaml is copied under Helm's repository lock, so a
// concurrent "repo add" of either tool is not overwritten.
func Migrate(ctx context.Context, s Settings, old Legacy) ([]Migration, error) {
	var done []Migration
	// The checks before the lock keep the common case (nothing to copy)
	// free of side effects: no directory or lock file is created.
	if s.RepositoryConfig == s.DefaultRepositoryConfig() && wanted(old.RepositoryConfig, s.RepositoryConfig) {
		var copied bool
		err := filelock.With(ctx, RepositoryLockFile(s.RepositoryConfig), func() (err error) {
			copied, err = copyIfAbsent(old.RepositoryConfig, s.RepositoryConfig)
			return err
		})
		if err != nil {
			return done, err
		}
		if copied {
			done = append(done, Migration{From: old.RepositoryConfig, To: s.RepositoryConfig})
			m, err := copyCache(ctx, old.RepositoryCache, s.RepositoryCache)
			if m != nil {
				done = append(done, *m)
			}
			if err != nil {
				return done, err
			}
		}
	}
	if s.RegistryConfig == s.DefaultRegistryConfig() && wanted(old.RegistryConfig, s.RegistryConfig) {
		copied, err := copyIfAbsent(old.RegistryConfig, s.RegistryConfig)
		if err != nil {
			return done, err
		}
		if copied {
			done = append(done, Migration{From: old.RegistryConfig, To: s.RegistryConfig})
		}
	}
	return done, nil
}

// wanted reports whether from exists and to does not, so a copy is due.
func wanted(from, to string) bool {
	if from == "" || filepath.Clean(from) == filepath.Clean(to) {
		return false
	}
	if _, err := os.Lstat(to); !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	_, err := os.Stat(from)
	return err == nil
}

// copyCache copies the regular files of from that to lacks. It returns a
// Migration when it copied any.
func copyCache(ctx context.Context, from, to string) (*Migration, error) {
	if from == "" || filepath.Clean(from) == filepath.Clean(to) {
		return nil, nil
	}
	entries, err := os.ReadDir(from)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the former repository cache %s: %w", from, err)
	}
	var m *Migration
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return m, err
		}
		if !e.Type().IsRegular() {
			continue
		}
		copied, err := copyIfAbsent(filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
		if err != nil {
			return m, err
		}
		if copied && m == nil {
			m = &Migration{From: from, To: to}
		}
	}
	return m, nil
}

// copyIfAbsent copies the regular file from to to when from exists and to
// does not. The copy is written beside to and renamed into place, with
// owner-only permissions (these files hold credentials).
func copyIfAbsent(from, to string) (bool, error) {
	if from == "" || filepath.Clean(from) == filepath.Clean(to) {
		return false, nil
	}
	if _, err := os.Lstat(to); !errors.Is(err, fs.ErrNotExist) {
		if err != nil {
			return false, fmt.Errorf("check %s: %w", to, err)
		}
		return false, nil
	}
	src, err := os.Open(from)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open the former %s: %w", from, err)
	}
	defer src.Close()
	if info, err := src.Stat(); err != nil || !info.Mode().IsRegular() {
		return false, err
	}
	err = atomicfile.Write(to, 0o600, func(w io.Writer) error {
		_, err := io.Copy(w, src)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("copy %s to %s: %w", from, to, err)
	}
	return true, nil
}
