package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/action"

	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// updateGoldens reports whether -update was given. The flag is defined by
// another test file of this binary (template_test.go); defining it twice
// would panic, so it is looked up when needed.
func updateGoldens() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// runKpkgCLI runs kpkg with args against buffers, as a user would.
func runKpkgCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

// compareGolden compares got with testdata/<name>, rewriting it under -update.
func compareGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", filepath.FromSlash(name))
	if updateGoldens() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

var showParts = []string{"all", "chart", "values", "readme", "crds"}

func TestShowGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"shop-all", []string{"show", "all", "shop"}},
		{"shop-chart", []string{"show", "chart", "shop"}},
		{"shop-values", []string{"show", "values", "shop"}},
		{"shop-readme", []string{"show", "readme", "shop"}},
		{"shop-crds", []string{"show", "crds", "shop"}},
		{"shop-values-jsonpath", []string{"show", "values", "shop", "--jsonpath", "{.image.repository}:{.image.tag}"}},
		{"bare-all", []string{"show", "all", "bare"}},
		{"bare-inspect-values", []string{"inspect", "values", "bare"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{}, tt.args...)
			args[2] = filepath.Join("..", "..", "testdata", "show", args[2])
			out, errOut, code := runKpkgCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			compareGolden(t, "show/golden/"+tt.name+".txt", out)
		})
	}
}

func TestShowErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"show", "chart", "no-such-chart"}, "no-such-chart"},
		{[]string{"show", "values", "../../testdata/show/shop", "--jsonpath", "{.unclosed"}, "error parsing jsonpath {.unclosed"},
		{[]string{"show", "chart"}, "accepts 1 arg(s)"},
	}
	for _, tt := range tests {
		_, errOut, code := runKpkgCLI(t, tt.args...)
		if code != 1 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and %q", tt.args, code, errOut, tt.want)
		}
	}
	out, errOut, code := runKpkgCLI(t, "show", "values", "../../testdata/show/shop", "--jsonpath", "{.missing}")
	if code != 0 || out != "" || !strings.Contains(errOut, "missing is not found") {
		t.Errorf("jsonpath selecting nothing: exit %d, stdout %q, stderr %q; want exit 0, no output, a warning", code, out, errOut)
	}
}

// TestShowMatchesHelm holds every show subcommand to Helm's own output for
// the test charts and every corpus chart.
func TestShowMatchesHelm(t *testing.T) {
	charts := []string{filepath.Join("..", "..", "testdata", "show", "shop"), filepath.Join("..", "..", "testdata", "show", "bare")}
	corpus := os.Getenv("KPKG_CORPUS")
	if corpus == "" {
		corpus = filepath.Join("..", "..", "..", "shared", "corpus")
	}
	more, _ := filepath.Glob(filepath.Join(corpus, "charts", "*"))
	charts = append(charts, more...)
	for _, dir := range charts {
		for _, part := range showParts {
			got, errOut, code := runKpkgCLI(t, "show", part, dir)
			if code != 0 {
				t.Fatalf("kpkg show %s %s: exit %d: %s", part, dir, code, errOut)
			}
			// Helm loads subcharts in map order, so with CRDs in several
			// subcharts its output varies from run to run; kpkg's order
			// (subcharts by directory name) must be one of Helm's.
			var want string
			for attempt := 0; attempt < 40 && (attempt == 0 || got != want); attempt++ {
				helm := action.NewShow(action.ShowOutputFormat(part))
				var err error
				if want, err = helm.Run(dir); err != nil {
					t.Fatalf("helm show %s %s: %v", part, dir, err)
				}
			}
			if got != want {
				t.Errorf("kpkg show %s %s differs from helm show (%d vs %d bytes)", part, dir, len(got), len(want))
			}
		}
	}
}

// TestShowRemoteChart shows a chart from a real HTTP repository (httptest on
// 127.0.0.1) by --repo and by REPO/CHART: the output is the local chart's.
func TestShowRemoteChart(t *testing.T) {
	home := t.TempDir()
	t.Setenv("KPKG_REPOSITORY_CONFIG", filepath.Join(home, "repositories.yaml"))
	t.Setenv("KPKG_REPOSITORY_CACHE", filepath.Join(home, "cache"))
	t.Setenv("KPKG_REGISTRY_CONFIG", filepath.Join(home, "registry.json"))
	local := filepath.Join("..", "..", "testdata", "show", "shop")
	site := t.TempDir()
	for _, args := range [][]string{{"package", local, "-d", site}, {"repo", "index", site}} {
		if _, errOut, code := runKpkgCLI(t, args...); code != 0 {
			t.Fatalf("kpkg %v: %s", args, errOut)
		}
	}
	url, _ := repotest.ServeDir(t, site, repotest.ServeOptions{})
	if _, errOut, code := runKpkgCLI(t, "repo", "add", "shops", url); code != 0 {
		t.Fatalf("repo add: %s", errOut)
	}
	for _, part := range []string{"chart", "values", "readme"} {
		want, _, _ := runKpkgCLI(t, "show", part, local)
		for _, args := range [][]string{{"show", part, "shop", "--repo", url}, {"show", part, "shops/shop", "--version", "1.2.3"}} {
			got, errOut, code := runKpkgCLI(t, args...)
			if code != 0 || got != want {
				t.Errorf("kpkg %v: exit %d, %s\n--- got\n%s--- want\n%s", args, code, errOut, got, want)
			}
		}
	}
}
