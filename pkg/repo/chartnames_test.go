package repo_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/kpkg/kpkg/pkg/repo"
	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// TestCachedChartNames reads the chart list a repository update writes and,
// without it, the cached index.
func TestCachedChartNames(t *testing.T) {
	ctx := context.Background()
	p := testPaths(t)
	url, _ := repotest.ServeDir(t, buildRepoDir(t, "1.0.0"), repotest.ServeOptions{})
	if err := repo.AddRepo(ctx, p, repo.Entry{Name: "r", URL: url}, repo.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p.CacheChartsFile("r"), "zeta\nalpha\n")
	if got, err := repo.CachedChartNames(p, "r"); err != nil || !slices.Equal(got, []string{"zeta", "alpha"}) {
		t.Errorf("from the chart list: %q, %v", got, err)
	}
	if err := os.Remove(p.CacheChartsFile("r")); err != nil {
		t.Fatal(err)
	}
	if got, err := repo.CachedChartNames(p, "r"); err != nil || !slices.Equal(got, []string{"demo"}) {
		t.Errorf("from the index: %q, %v", got, err)
	}
	var noCache *repo.NoCachedIndexError
	if _, err := repo.CachedChartNames(p, "unknown"); !errors.As(err, &noCache) {
		t.Errorf("unknown repository: %v", err)
	}
}
