package repo_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/repo"
	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// parentChart writes a chart depending on a file:// chart, a configured
// HTTP repository and, when the test registry runs, an OCI registry.
func parentChart(t *testing.T, deps []*chart.Dependency) string {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "demo-local"), os.DirFS(demoChart)); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "parent")
	md := &chart.Metadata{APIVersion: "v2", Name: "parent", Version: "0.1.0", Dependencies: deps}
	data, err := yaml.Marshal(md)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "charts"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "Chart.yaml"), string(data))
	return dir
}

func TestDependencyUpdateBuildList(t *testing.T) {
	ctx := context.Background()
	url, _ := repotest.ServeDir(t, buildRepoDir(t, "1.0.0", "1.0.5", "1.1.0"), repotest.ServeOptions{})
	p := testPaths(t)
	if err := repo.AddRepo(ctx, p, repo.Entry{Name: "stable", URL: url}, repo.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	deps := []*chart.Dependency{
		{Name: "demo", Alias: "local", Version: "1.2.x", Repository: "file://../demo-local"},
		{Name: "demo", Alias: "fromrepo", Version: "~1.0", Repository: "@stable"},
		{Name: "demo", Alias: "byurl", Version: "1.1.0", Repository: url},
	}
	want := map[string]string{"local": "1.2.3", "fromrepo": "1.0.5", "byurl": "1.1.0"}
	opts := repo.DependencyOptions{Paths: p, Auth: repo.Auth{PlainHTTP: true}}
	if os.Getenv("KPKG_TEST_REGISTRY") != "" {
		host := repotest.StartRegistry(t, "")
		reg, _ := repo.NewRegistry(repo.RegistryOptions{Auth: repo.Auth{PlainHTTP: true}})
		for _, v := range []string{"0.9.0", "0.9.1"} {
			if _, err := reg.Push(ctx, demoArchive(t, v), "oci://"+host+"/deps", repo.PushOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		deps = append(deps, &chart.Dependency{Name: "demo", Alias: "fromoci", Version: "^0.9.0", Repository: "oci://" + host + "/deps"})
		want["fromoci"] = "0.9.1"
	} else {
		t.Log("KPKG_TEST_REGISTRY not set: the oci:// dependency is left out")
	}
	dir := parentChart(t, deps)
	writeFile(t, filepath.Join(dir, "charts", "demo-0.0.1.tgz"), "stale")
	writeFile(t, filepath.Join(dir, "charts", "demo-extras-1.0.0.tgz"), "someone else's")

	if err := repo.UpdateDependencies(ctx, dir, opts); err != nil {
		t.Fatal(err)
	}
	lock := readLock(t, dir)
	if len(lock.Dependencies) != len(deps) {
		t.Fatalf("locked %d dependencies, want %d", len(lock.Dependencies), len(deps))
	}
	for i, d := range lock.Dependencies {
		if alias := deps[i].Alias; d.Version != want[alias] {
			t.Errorf("locked %s (%s) at %s, want %s", d.Name, d.Repository, d.Version, want[alias])
		}
	}
	// As Helm, a repository given by name is locked by its URL.
	if got := lock.Dependencies[1].Repository; got != url {
		t.Errorf("@stable locked as %q, want its URL %q", got, url)
	}
	if _, err := os.Stat(filepath.Join(dir, "charts", "demo-0.0.1.tgz")); !os.IsNotExist(err) {
		t.Error("outdated archive was kept")
	}
	if _, err := os.Stat(filepath.Join(dir, "charts", "demo-extras-1.0.0.tgz")); err != nil {
		t.Error("an unrelated archive was removed")
	}
	_ = os.Remove(filepath.Join(dir, "charts", "demo-extras-1.0.0.tgz"))
	c, err := chart.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := chart.CheckDependencies(c); err != nil {
		t.Error(err)
	}
	list, err := repo.ListDependencies(dir)
	if err != nil || len(list.Strays) != 0 {
		t.Fatalf("list: %v, strays %v", err, list)
	}
	for _, s := range list.Dependencies {
		if s.Status != "ok" && s.Status != "too many matches" {
			t.Errorf("status of %s %s = %s", s.Name, s.Version, s.Status)
		}
	}

	// A no-op update keeps the lock as it is.
	before := snapshot(t, dir)
	if err := repo.UpdateDependencies(ctx, dir, opts); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, dir); !reflect.DeepEqual(before, after) {
		t.Error("a second update changed the chart")
	}

	// Build restores exactly the locked archives.
	if err := os.RemoveAll(filepath.Join(dir, "charts")); err != nil {
		t.Fatal(err)
	}
	if err := repo.BuildDependencies(ctx, dir, opts); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, dir); !reflect.DeepEqual(before, after) {
		t.Error("build did not reproduce the vendored archives")
	}

	// Chart.yaml changed since the lock: build refuses and changes nothing.
	chartYAML := string(mustRead(t, filepath.Join(dir, "Chart.yaml")))
	writeFile(t, filepath.Join(dir, "Chart.yaml"), strings.Replace(chartYAML, "~1.0", "~1.1", 1))
	before = snapshot(t, dir)
	err = repo.BuildDependencies(ctx, dir, opts)
	if err == nil || !strings.Contains(err.Error(), "out of sync") {
		t.Errorf("build with a stale lock: %v", err)
	}
	if after := snapshot(t, dir); !reflect.DeepEqual(before, after) {
		t.Error("a refused build changed the chart")
	}

	// An unresolvable dependency fails update without touching anything.
	writeFile(t, filepath.Join(dir, "Chart.yaml"), strings.Replace(chartYAML, "~1.0", "~7.0", 1))
	before = snapshot(t, dir)
	err = repo.UpdateDependencies(ctx, dir, opts)
	if err == nil || !strings.Contains(err.Error(), `dependency "demo"`) || !strings.Contains(err.Error(), "~7.0") {
		t.Errorf("update with an unknown version: %v", err)
	}
	if after := snapshot(t, dir); !reflect.DeepEqual(before, after) {
		t.Error("a failed update changed the chart")
	}
}

func readLock(t *testing.T, dir string) *chart.Lock {
	t.Helper()
	lock := &chart.Lock{}
	if err := yaml.Unmarshal(mustRead(t, filepath.Join(dir, "Chart.lock")), lock); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(lock.Digest, "sha256:") {
		t.Errorf("lock digest %q", lock.Digest)
	}
	return lock
}

func TestPackageCommandOptions(t *testing.T) {
	ctx := context.Background()
	dest := t.TempDir()
	p, err := repo.Package(ctx, demoChart, repo.PackageOptions{Version: "9.9.9", AppVersion: "app-1", DestDir: dest})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p) != "demo-9.9.9.tgz" {
		t.Errorf("archive name %s", p)
	}
	c, err := chart.Load(p)
	if err != nil || c.Metadata.Version != "9.9.9" || c.Metadata.AppVersion != "app-1" {
		t.Fatalf("packaged chart: %v %+v", err, c)
	}
	again, err := repo.Package(ctx, demoChart, repo.PackageOptions{Version: "9.9.9", AppVersion: "app-1", DestDir: t.TempDir()})
	if err != nil || !bytes.Equal(mustRead(t, p), mustRead(t, again)) {
		t.Errorf("packaging twice gave different bytes (%v)", err)
	}
	if _, err := repo.Package(ctx, demoChart, repo.PackageOptions{Version: "not-semver", DestDir: dest}); err == nil || !strings.Contains(err.Error(), "not SemVer") {
		t.Errorf("bad --version: %v", err)
	}
}

// TestPackageRefusesUnvendoredDependencies: as Helm's, package needs every
// declared dependency in charts/; a file:// one loaded from its path does
// not count, and DependencyUpdate vendors it first.
func TestPackageRefusesUnvendoredDependencies(t *testing.T) {
	ctx := context.Background()
	dir := parentChart(t, []*chart.Dependency{{Name: "demo", Version: "1.2.3", Repository: "file://../demo-local"}})
	_, err := repo.Package(ctx, dir, repo.PackageOptions{DestDir: t.TempDir()})
	var missing *chart.MissingDependenciesError
	if !errors.As(err, &missing) || strings.Join(missing.Missing, ",") != "demo" {
		t.Fatalf("package of an unvendored file:// dependency: %v", err)
	}
	if _, err := repo.Package(ctx, dir, repo.PackageOptions{DestDir: t.TempDir(), DependencyUpdate: true, Dependencies: repo.DependencyOptions{Paths: testPaths(t)}}); err != nil {
		t.Fatalf("package -u: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "charts", "demo-1.2.3.tgz")); err != nil {
		t.Errorf("package -u did not vendor the dependency: %v", err)
	}
}

// TestFileDependencyCycleIsAnError: dependency update once recursed
// through a file:// cycle until memory ran out.
func TestFileDependencyCycleIsAnError(t *testing.T) {
	root := t.TempDir()
	for name, content := range map[string]string{
		"a/Chart.yaml": "apiVersion: v2\nname: a\nversion: 0.1.0\ndependencies:\n- name: b\n  version: 0.1.0\n  repository: file://../b\n",
		"b/Chart.yaml": "apiVersion: v2\nname: b\nversion: 0.1.0\ndependencies:\n- name: a\n  version: 0.1.0\n  repository: file://../a\n",
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := repo.UpdateDependencies(context.Background(), filepath.Join(root, "a"), repo.DependencyOptions{Paths: testPaths(t)})
	runtime.ReadMemStats(&after)
	var cyc *chart.DependencyCycleError
	if !errors.As(err, &cyc) {
		t.Fatalf("got %v, want a DependencyCycleError", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("allocated %d MB", alloc>>20)
	}
	if _, err := os.Stat(filepath.Join(root, "a", "charts")); err == nil {
		t.Error("charts/ was created")
	}
}
