package repo_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/action"

	"github.com/kpkg/kpkg/pkg/repo"
)

// depChart writes a chart without dependencies under dir/name.
func depChart(t *testing.T, dir, name, version string) string {
	t.Helper()
	root := filepath.Join(dir, name)
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "Chart.yaml"), fmt.Sprintf("apiVersion: v2\nname: %s\nversion: %s\n", name, version))
	return root
}

// vendorArchive packages the chart name@version into charts/file of parent.
func vendorArchive(t *testing.T, parent, name, version, file string) {
	t.Helper()
	p, err := repo.Package(context.Background(), depChart(t, t.TempDir(), name, version), repo.PackageOptions{DestDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(parent, "charts"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(parent, "charts", file), string(mustRead(t, p)))
}

// helmStatuses lists "name status" per dependency as Helm's library prints
// them.
func helmStatuses(t *testing.T, chartPath string) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := action.NewDependency().List(chartPath, &buf); err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, line := range strings.Split(buf.String(), "\n") {
		cells := strings.Split(line, "\t")
		if i == 0 || len(cells) != 4 {
			continue
		}
		out = append(out, strings.TrimSpace(cells[0])+" "+strings.TrimSpace(cells[3]))
	}
	return out
}

// TestListDependenciesLikeHelm holds each status to Helm's, with Helm's
// library as the oracle.
func TestListDependenciesLikeHelm(t *testing.T) {
	root := t.TempDir()
	parent := filepath.Join(root, "parent")
	if err := os.MkdirAll(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(parent, "Chart.yaml"), `apiVersion: v2
name: parent
version: 0.1.0
dependencies:
- {name: ok, version: ~1.0}
- {name: exact, version: 1.0.0}
- {name: unpacked, version: ^2.0.0}
- {name: missing, version: 1.0.0}
- {name: wrong, version: ~1.0}
- {name: misnamed, version: 1.0.0}
- {name: local, repository: "file://../local"}
- {name: many, version: 1.0.0}
- {name: badconstraint, version: "not a constraint"}
- {name: noversion}
- {name: corrupt, version: 1.0.0}
`)
	writeFile(t, filepath.Join(parent, ".helmignore"), "charts/corrupt-1.0.0.tgz\ncharts/junk.tgz\n")
	vendorArchive(t, parent, "ok", "1.0.3", "ok-1.0.3.tgz")
	vendorArchive(t, parent, "exact", "1.0.0", "exact-1.0.0.tgz")
	if err := os.CopyFS(filepath.Join(parent, "charts", "unpacked"), os.DirFS(depChart(t, t.TempDir(), "unpacked", "2.3.0"))); err != nil {
		t.Fatal(err)
	}
	vendorArchive(t, parent, "wrong", "2.0.0", "wrong-2.0.0.tgz")
	vendorArchive(t, parent, "other", "1.0.0", "misnamed-1.0.0.tgz")
	depChart(t, root, "local", "0.1.0")
	vendorArchive(t, parent, "many", "1.0.0", "many-1.0.0.tgz")
	vendorArchive(t, parent, "many", "1.0.1", "many-1.0.1.tgz")
	vendorArchive(t, parent, "badconstraint", "1.0.0", "badconstraint-1.0.0.tgz")
	vendorArchive(t, parent, "noversion", "0.1.0", "noversion-0.1.0.tgz")
	vendorArchive(t, parent, "stray", "0.1.0", "stray-0.1.0.tgz")
	writeFile(t, filepath.Join(parent, "charts", "corrupt-1.0.0.tgz"), "not gzip")
	writeFile(t, filepath.Join(parent, "charts", "junk.tgz"), "not gzip")

	list, err := repo.ListDependencies(parent)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range list.Dependencies {
		got = append(got, d.Name+" "+d.Status)
	}
	if want := helmStatuses(t, parent); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("statuses:\nkpkg:\n%s\nhelm:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantStrays := []repo.Stray{
		{Path: filepath.Join(parent, "charts", "corrupt-1.0.0.tgz"), NotAChart: true},
		{Path: filepath.Join(parent, "charts", "junk.tgz"), NotAChart: true},
		{Path: filepath.Join(parent, "charts", "misnamed-1.0.0.tgz")},
		{Path: filepath.Join(parent, "charts", "stray-0.1.0.tgz")},
	}
	if fmt.Sprint(list.Strays) != fmt.Sprint(wantStrays) {
		t.Errorf("strays: %v, want %v", list.Strays, wantStrays)
	}
}

// TestListDependenciesUndeclared: no dependencies key is not the same as
// an empty list.
func TestListDependenciesUndeclared(t *testing.T) {
	dir := t.TempDir()
	none := depChart(t, dir, "none", "0.1.0")
	empty := depChart(t, dir, "empty", "0.1.0")
	writeFile(t, filepath.Join(empty, "Chart.yaml"), "apiVersion: v2\nname: empty\nversion: 0.1.0\ndependencies: []\n")
	for _, c := range []struct {
		dir      string
		declared bool
	}{{none, false}, {empty, true}} {
		list, err := repo.ListDependencies(c.dir)
		if err != nil || list.Declared != c.declared || len(list.Dependencies) != 0 {
			t.Errorf("%s: %+v, %v", c.dir, list, err)
		}
	}
	if _, err := repo.ListDependencies(filepath.Join(dir, "nope")); err == nil {
		t.Error("a missing chart listed")
	}
}
