package helmenv

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestLegacyPaths(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want Legacy
	}{
		{map[string]string{"HOME": "/h"}, Legacy{
			RepositoryConfig: "/h/.config/kpkg/repositories.yaml", RepositoryCache: "/h/.cache/kpkg/repository",
			RegistryConfig: "/h/.config/kpkg/registry/config.json", StartersDir: "/h/.local/share/kpkg/starters",
		}},
		{map[string]string{"HOME": "/h", "XDG_CONFIG_HOME": "/c", "XDG_CACHE_HOME": "/k", "XDG_DATA_HOME": "/d"}, Legacy{
			RepositoryConfig: "/c/kpkg/repositories.yaml", RepositoryCache: "/k/kpkg/repository",
			RegistryConfig: "/c/kpkg/registry/config.json", StartersDir: "/d/kpkg/starters",
		}},
		{map[string]string{}, Legacy{}},
	}
	for _, tt := range tests {
		got := LegacyPaths(func(k string) string { return tt.env[k] })
		want := tt.want
		for _, p := range []*string{&want.RepositoryConfig, &want.RepositoryCache, &want.RegistryConfig, &want.StartersDir} {
			*p = filepath.FromSlash(*p)
		}
		if got != want {
			t.Errorf("LegacyPaths(%v) = %+v, want %+v", tt.env, got, want)
		}
	}
}

// migrationHome lays out kpkg's former files under a fresh HOME and
// returns the environment that finds them.
func migrationHome(t *testing.T) (getenv func(string) string, old Legacy) {
	t.Helper()
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	getenv = func(k string) string { return env[k] }
	old = LegacyPaths(getenv)
	write(t, old.RepositoryConfig, "repositories:\n- name: old\n  url: http://old\n")
	write(t, old.RegistryConfig, `{"auths":{}}`)
	write(t, filepath.Join(old.RepositoryCache, "old-index.yaml"), "apiVersion: v1\n")
	write(t, filepath.Join(old.RepositoryCache, "old-charts.txt"), "demo\n")
	return getenv, old
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMigrateCopiesOnce(t *testing.T) {
	getenv, old := migrationHome(t)
	s := New(getenv)
	done, err := Migrate(context.Background(), s, old)
	if err != nil {
		t.Fatal(err)
	}
	want := []Migration{
		{old.RepositoryConfig, s.RepositoryConfig},
		{old.RepositoryCache, s.RepositoryCache},
		{old.RegistryConfig, s.RegistryConfig},
	}
	if !reflect.DeepEqual(done, want) {
		t.Fatalf("migrations %+v, want %+v", done, want)
	}
	if got := read(t, s.RepositoryConfig); got != read(t, old.RepositoryConfig) {
		t.Errorf("repositories.yaml copied as %q", got)
	}
	if got := read(t, filepath.Join(s.RepositoryCache, "old-index.yaml")); got != "apiVersion: v1\n" {
		t.Errorf("cached index copied as %q", got)
	}
	if info, err := os.Stat(s.RegistryConfig); err != nil || info.Mode().Perm()&0o077 != 0 {
		t.Errorf("registry config: %v, mode %v", err, info.Mode())
	}
	if _, err := os.Stat(old.RepositoryConfig); err != nil {
		t.Errorf("the former file is gone: %v", err)
	}
	// Once copied, Helm's files are Helm's: a second run changes nothing.
	write(t, s.RepositoryConfig, "repositories: []\n")
	if done, err := Migrate(context.Background(), s, old); err != nil || len(done) != 0 {
		t.Errorf("second run: %+v, %v", done, err)
	}
	if got := read(t, s.RepositoryConfig); got != "repositories: []\n" {
		t.Errorf("second run overwrote repositories.yaml: %q", got)
	}
}

// A location moved by a variable is the user's choice: nothing is copied
// into it, and Helm's existing files are never replaced.
func TestMigrateLeavesChosenAndExistingFiles(t *testing.T) {
	getenv, old := migrationHome(t)
	s := New(getenv)
	s.RepositoryConfig = filepath.Join(t.TempDir(), "chosen.yaml")
	write(t, s.RegistryConfig, `{"auths":{"helm":{}}}`)
	done, err := Migrate(context.Background(), s, old)
	if err != nil || len(done) != 0 {
		t.Fatalf("migrations %+v, %v", done, err)
	}
	if _, err := os.Stat(s.RepositoryConfig); err == nil {
		t.Error("copied into a location chosen by the user")
	}
	if got := read(t, s.RegistryConfig); got != `{"auths":{"helm":{}}}` {
		t.Errorf("Helm's registry config replaced: %q", got)
	}
}

func TestMigrateWithoutFormerFiles(t *testing.T) {
	env := map[string]string{"HOME": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	done, err := Migrate(context.Background(), New(getenv), LegacyPaths(getenv))
	if err != nil || len(done) != 0 {
		t.Errorf("migrations %+v, %v", done, err)
	}
	// Nothing to copy means nothing is created, not even the lock file.
	if _, err := os.Stat(New(getenv).ConfigHome); err == nil {
		t.Error("created Helm's configuration directory from nothing")
	}
}
