package plugin

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	helmplugin "helm.sh/helm/v3/pkg/plugin"
)

func names(ps []*Plugin) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name()+"@"+filepath.Base(filepath.Dir(p.Dir)))
	}
	return out
}

func helmNames(ps []*helmplugin.Plugin) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Metadata.Name+"@"+filepath.Base(filepath.Dir(p.Dir)))
	}
	return out
}

// TestFind: directory order, then name order; duplicates across
// directories are kept (first wins in Lookup); entries that are not plugin
// directories are skipped. Helm's FindPlugins must list the same.
func TestFind(t *testing.T) {
	root := t.TempDir()
	one, two := filepath.Join(root, "one"), filepath.Join(root, "two")
	writePlugin(t, one, "zeta", "name: zeta\n", nil)
	writePlugin(t, one, "alpha", "name: shared\nversion: \"1\"\n", nil)
	writePlugin(t, two, "shared", "name: shared\nversion: \"2\"\n", nil)
	writePlugin(t, two, "beta", "name: beta\n", nil)
	// Not plugins: a file, a directory without plugin.yaml, a staging
	// directory with plugin.yaml one level deeper, a dangling link.
	os.WriteFile(filepath.Join(two, "notes.txt"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(two, "empty"), 0o755)
	writePlugin(t, filepath.Join(two, ".kpkg-install-1"), "content", "name: staged\n", nil)
	os.Symlink(filepath.Join(root, "nowhere"), filepath.Join(two, "dangling"))
	// A symlinked plugin directory counts.
	writePlugin(t, filepath.Join(root, "src"), "linked", "name: linked\n", nil)
	if err := os.Symlink(filepath.Join(root, "src", "linked"), filepath.Join(two, "linked")); err != nil {
		t.Fatal(err)
	}
	dirs := []string{one, filepath.Join(root, "missing"), two}
	got, err := Find(dirs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"shared@one", "zeta@one", "beta@two", "linked@two", "shared@two"}
	if !reflect.DeepEqual(names(got), want) {
		t.Errorf("Find = %v, want %v", names(got), want)
	}
	helm, err := helmplugin.FindPlugins(strings.Join(dirs, string(os.PathListSeparator)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names(got), helmNames(helm)) {
		t.Errorf("Find = %v, Helm %v", names(got), helmNames(helm))
	}
	if p := Lookup(got, "shared"); p == nil || p.Metadata.Version != "1" {
		t.Errorf("Lookup(shared) = %+v, want the one from the first directory", p)
	}
	if Lookup(got, "nope") != nil {
		t.Error("Lookup(nope) found something")
	}
}

func TestFindErrors(t *testing.T) {
	t.Run("duplicate in one directory", func(t *testing.T) {
		dir := t.TempDir()
		writePlugin(t, dir, "a", "name: same\n", nil)
		writePlugin(t, dir, "b", "name: same\n", nil)
		_, err := Find([]string{dir})
		var dup *DuplicateError
		if !errors.As(err, &dup) || dup.Name != "same" || !strings.Contains(err.Error(), filepath.Join(dir, "b")) {
			t.Errorf("err = %v, want a DuplicateError naming both directories", err)
		}
		if _, herr := helmplugin.FindPlugins(dir); herr == nil {
			t.Error("Helm accepts the duplicate; the test's premise is wrong")
		}
	})
	t.Run("one bad plugin fails the directory", func(t *testing.T) {
		dir := t.TempDir()
		writePlugin(t, dir, "a", "name: good\n", nil)
		writePlugin(t, dir, "b", "name: bad name\n", nil)
		_, err := Find([]string{dir})
		var le *LoadError
		if !errors.As(err, &le) || le.Field != "name" {
			t.Errorf("err = %v, want the LoadError of b", err)
		}
	})
	t.Run("plugins path is a file", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, nil, 0o644)
		if got, err := Find([]string{f, ""}); err != nil || len(got) != 0 {
			t.Errorf("Find(file) = %v, %v; want nothing, as Helm", got, err)
		}
	})
}
