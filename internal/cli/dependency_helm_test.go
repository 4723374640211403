package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// subchart writes a minimal chart name at version under dir.
func subchart(t *testing.T, dir, name, version string) string {
	t.Helper()
	return writeFiles(t, filepath.Join(dir, name), map[string]string{
		"Chart.yaml":        fmt.Sprintf("apiVersion: v2\nname: %s\nversion: %s\n", name, version),
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\n",
	})
}

// packTo packages the chart at src into dst under the archive name file.
func packTo(t *testing.T, src, dst, file string) {
	t.Helper()
	tmp := t.TempDir()
	out := mustRun(t, "package", src, "-d", tmp)
	built := strings.TrimSpace(strings.TrimPrefix(out, "Successfully packaged chart and saved it to: "))
	data, err := os.ReadFile(built)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dst, map[string]string{file: string(data)})
}

// dependencyFixtures builds charts whose dependencies are in every state
// 'dependency list' knows, and returns their directory.
func dependencyFixtures(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	src := t.TempDir()
	parent := writeFiles(t, filepath.Join(root, "parent"), map[string]string{
		"Chart.yaml": `apiVersion: v2
name: parent
version: 0.1.0
dependencies:
- {name: a, version: 1.0.0, repository: "https://charts.example.com/a-repository-url-long-enough-to-be-cut"}
- {name: b, version: ^2.0.0, repository: "@stable"}
- {name: c, version: 1.0.0, repository: "alias:stable"}
- {name: d, version: ~1.0, repository: "oci://registry.example.com/charts"}
- {name: e, version: 1.0.0, repository: ""}
- {name: f, repository: "file://../f"}
- {name: g, version: 1.0.0}
- {name: h, version: "not a constraint", repository: x}
- {name: i, version: 1.0.0, alias: eye}
- {name: j, version: 1.0.0}
`,
		".helmignore":       "charts/junk.tgz\ncharts/j-1.0.0.tgz\ncharts/README.md\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p\n",
	})
	charts := filepath.Join(parent, "charts")
	packTo(t, subchart(t, src, "a", "1.0.0"), charts, "a-1.0.0.tgz")
	if err := os.CopyFS(filepath.Join(charts, "b"), os.DirFS(subchart(t, src, "b", "2.1.0"))); err != nil {
		t.Fatal(err)
	}
	packTo(t, subchart(t, src+"/d", "d", "2.0.0"), charts, "d-2.0.0.tgz")
	packTo(t, subchart(t, src, "not-e", "1.0.0"), charts, "e-1.0.0.tgz")
	subchart(t, root, "f", "0.1.0")
	packTo(t, subchart(t, src+"/g1", "g", "1.0.0"), charts, "g-1.0.0.tgz")
	packTo(t, subchart(t, src+"/g2", "g", "1.0.1"), charts, "g-1.0.1.tgz")
	packTo(t, subchart(t, src+"/g3", "g", "1.0.2"), charts, "g-v1.tgz")
	packTo(t, subchart(t, src, "h", "1.0.1"), charts, "h-1.0.1.tgz")
	packTo(t, subchart(t, src, "i", "1.0.0"), charts, "i-1.0.0.tgz")
	packTo(t, subchart(t, src, "stray", "0.1.0"), charts, "stray-0.1.0.tgz")
	writeFiles(t, charts, map[string]string{"junk.tgz": "not an archive", "j-1.0.0.tgz": "not an archive either", "README.md": "hi"})

	// The same as an archive, with the vendored subset only.
	vendored := writeFiles(t, filepath.Join(root, "vendored"), map[string]string{
		"Chart.yaml": "apiVersion: v2\nname: vendored\nversion: 0.2.0\ndependencies:\n- {name: a, version: 1.0.0}\n- {name: b, version: ^2.0.0}\n- {name: d, version: ~2.0}\n",
	})
	packTo(t, subchart(t, src+"/a2", "a", "1.0.0"), filepath.Join(vendored, "charts"), "a-1.0.0.tgz")
	if err := os.CopyFS(filepath.Join(vendored, "charts", "b"), os.DirFS(filepath.Join(src, "b"))); err != nil {
		t.Fatal(err)
	}
	packTo(t, subchart(t, src+"/d2", "d", "2.0.0"), filepath.Join(vendored, "charts"), "d-2.0.0.tgz")
	packTo(t, vendored, root, "vendored-0.2.0.tgz")

	// Helm v2 layout: requirements.yaml and requirements.lock.
	v1 := writeFiles(t, filepath.Join(root, "v1"), map[string]string{
		"Chart.yaml":        "apiVersion: v1\nname: v1\nversion: 0.3.0\n",
		"requirements.yaml": "dependencies:\n- name: a\n  version: 1.0.0\n  repository: https://charts.example.com\n- name: z\n  version: 9.9.9\n  repository: https://charts.example.com\n",
		"requirements.lock": "dependencies:\n- name: a\n  version: 1.0.0\n  repository: https://charts.example.com\ndigest: sha256:0\ngenerated: \"2026-01-01T00:00:00Z\"\n",
	})
	packTo(t, subchart(t, src+"/a3", "a", "1.0.0"), filepath.Join(v1, "charts"), "a-1.0.0.tgz")

	writeFiles(t, root, map[string]string{
		"none/Chart.yaml":  "apiVersion: v2\nname: none\nversion: 0.1.0\n",
		"empty/Chart.yaml": "apiVersion: v2\nname: empty\nversion: 0.1.0\ndependencies: []\n",
	})
	return root
}

func TestDependencyListLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	helmHome(t)
	root := dependencyFixtures(t)
	for _, args := range [][]string{
		{"parent"}, {"parent/"}, {"parent", "--max-col-width", "12"}, {"parent", "--max-col-width", "0"},
		{"vendored-0.2.0.tgz"}, {"vendored"}, {"v1"}, {"none"}, {"empty"}, {"missing-dir"},
	} {
		for i, a := range args {
			if !strings.HasPrefix(a, "-") && !strings.HasPrefix(args[max(i-1, 0)], "--max") {
				args[i] = filepath.Join(root, a)
				if strings.HasSuffix(a, "/") {
					args[i] += "/"
				}
			}
		}
		compareWithHelm(t, helm, append([]string{"dependency", "list"}, args...)...)
	}
	// From the chart's directory, with no argument.
	t.Chdir(filepath.Join(root, "parent"))
	compareWithHelm(t, helm, "dep", "ls")
}

// TestPackageRefusesWhatHelmRefuses: a declared dependency missing from
// charts/, a file:// one included, stops package in both tools; with -u
// both vendor it first.
func TestPackageRefusesWhatHelmRefuses(t *testing.T) {
	helm := helmBinary(t)
	helmHome(t)
	root := t.TempDir()
	subchart(t, root, "sub", "0.1.0")
	parent := writeFiles(t, filepath.Join(root, "parent"), map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n- {name: sub, version: 0.1.0, repository: file://../sub, condition: sub.enabled}\n",
		"values.yaml":       "sub:\n  enabled: false\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p\n",
	})
	for _, tool := range []string{"helm", "kpkg"} {
		dest := t.TempDir()
		var code int
		var stderr string
		if tool == "helm" {
			_, stderr, code = runHelmCode(t, helm, "package", parent, "-d", dest)
		} else {
			_, stderr, code = runIn(t, "", "package", parent, "-d", dest)
		}
		if code == 0 || !strings.Contains(stderr, "found in Chart.yaml, but missing in charts/ directory: sub") {
			t.Errorf("%s package of an unvendored file:// dependency: exit %d, %s", tool, code, stderr)
		}
	}
	compareWithHelm(t, helm, "package", parent, "-u", "-d", t.TempDir())
	// Now vendored, both package it.
	compareWithHelm(t, helm, "package", parent, "-d", t.TempDir())
}

// lockRepo serves a chart repository holding a and b in two versions each.
func lockRepo(t *testing.T) string {
	t.Helper()
	site, src := t.TempDir(), t.TempDir()
	for _, v := range []string{"1.0.0", "1.1.0"} {
		for _, name := range []string{"a", "b"} {
			packTo(t, subchart(t, filepath.Join(src, name+v), name, v), site, name+"-"+v+".tgz")
		}
	}
	mustRun(t, "repo", "index", site)
	url, _ := repotest.ServeDir(t, site, repotest.ServeOptions{})
	return url
}

// lockedChart writes a chart depending on a and b by repository name
// ("@repo" and "alias:repo"), by URL and from a file:// path.
func lockedChart(t *testing.T, url string) string {
	t.Helper()
	root := t.TempDir()
	subchart(t, root, "local", "0.3.0")
	return writeFiles(t, filepath.Join(root, "app"), map[string]string{
		"Chart.yaml": fmt.Sprintf(`apiVersion: v2
name: app
version: 0.1.0
dependencies:
- name: a
  version: ~1.0.0
  repository: "@charts"
- name: b
  version: ">=1.0.0"
  repository: alias:charts
  alias: bee
  condition: bee.enabled
- name: a
  version: 1.1.0
  repository: %s
  alias: a-by-url
- name: local
  version: 0.3.0
  repository: file://../local
`, url),
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
	})
}

var generatedLine = regexp.MustCompile(`(?m)^generated: .*$`)

// chartsDir lists charts/ of dir.
func chartsDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "charts"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestChartLockSharedWithHelm: for dependencies given by repository name,
// kpkg writes Chart.lock as Helm does (repositories as URLs, Helm's
// digest), and each tool's 'dependency build' accepts the other's lock.
func TestChartLockSharedWithHelm(t *testing.T) {
	helm := helmBinary(t)
	helmHome(t)
	url := lockRepo(t)
	runHelm(t, helm, "repo", "add", "charts", url)

	byHelm, byKpkg := lockedChart(t, url), lockedChart(t, url)
	runHelm(t, helm, "dependency", "update", byHelm)
	mustRun(t, "dependency", "update", byKpkg)
	helmLock := string(mustReadFile(t, filepath.Join(byHelm, "Chart.lock")))
	kpkgLock := string(mustReadFile(t, filepath.Join(byKpkg, "Chart.lock")))
	if generatedLine.ReplaceAllString(helmLock, "") != generatedLine.ReplaceAllString(kpkgLock, "") {
		t.Errorf("Chart.lock differs beyond its date:\nkpkg:\n%s\nhelm:\n%s", kpkgLock, helmLock)
	}
	if !strings.Contains(kpkgLock, "repository: "+url) {
		t.Errorf("repositories given by name are not locked by URL:\n%s", kpkgLock)
	}
	want := strings.Join(chartsDir(t, byHelm), " ")

	// Each builds from the other's lock, and the lock stays as written.
	for _, c := range []struct {
		tool, dir, lock string
	}{{"kpkg", byHelm, helmLock}, {"helm", byKpkg, kpkgLock}} {
		if err := os.RemoveAll(filepath.Join(c.dir, "charts")); err != nil {
			t.Fatal(err)
		}
		if c.tool == "kpkg" {
			mustRun(t, "dependency", "build", c.dir)
		} else {
			runHelm(t, helm, "dependency", "build", c.dir)
		}
		if got := strings.Join(chartsDir(t, c.dir), " "); got != want {
			t.Errorf("%s dependency build of the other's lock vendored %s, want %s", c.tool, got, want)
		}
		if got := string(mustReadFile(t, filepath.Join(c.dir, "Chart.lock"))); got != c.lock {
			t.Errorf("%s dependency build rewrote the lock:\n%s", c.tool, got)
		}
	}

	// A repository name that is not configured fails both.
	bad := lockedChart(t, url)
	chartYAML := filepath.Join(bad, "Chart.yaml")
	data := strings.Replace(string(mustReadFile(t, chartYAML)), "@charts", "@nope", 1)
	if err := os.WriteFile(chartYAML, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	_, helmErr, helmCode := runHelmCode(t, helm, "dependency", "update", bad)
	_, kpkgErr, kpkgCode := runIn(t, "", "dependency", "update", bad)
	if helmCode == 0 || kpkgCode == 0 || !strings.Contains(kpkgErr, "no repository definition for @nope") {
		t.Errorf("unknown repository name: kpkg exit %d %s; helm exit %d %s", kpkgCode, kpkgErr, helmCode, helmErr)
	}
}
