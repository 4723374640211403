package repo_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kpkg/kpkg/pkg/repo"
)

const demoChart = "../../testdata/repo/demo"

// testPaths puts the configuration and cache in a fresh directory.
func testPaths(t *testing.T) repo.Paths {
	t.Helper()
	dir := t.TempDir()
	return repo.Paths{
		RepositoryConfig: filepath.Join(dir, "config", "repositories.yaml"),
		RepositoryCache:  filepath.Join(dir, "cache"),
		RegistryConfig:   filepath.Join(dir, "config", "registry.json"),
	}
}

// buildRepoDir packages the demo chart at each version into a new directory
// and indexes it, as a user would with 'kpkg package' and 'kpkg repo index'.
func buildRepoDir(t *testing.T, versions ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, v := range versions {
		if _, err := repo.Package(context.Background(), demoChart, repo.PackageOptions{Version: v, DestDir: dir}); err != nil {
			t.Fatal(err)
		}
	}
	if err := repo.IndexDir(context.Background(), dir, repo.IndexDirOptions{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// snapshot records the files under dirs so a test can prove that a failed
// operation changed nothing.
func snapshot(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, d := range dirs {
		_ = filepath.Walk(d, func(p string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				b, _ := os.ReadFile(p)
				out[p] = string(b)
			}
			return nil
		})
	}
	return out
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
