package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/lint/support"

	"github.com/kpkg/kpkg/pkg/values"
)

func corpusDir(t *testing.T) string {
	dir := os.Getenv("KPKG_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "charts")); err != nil {
		t.Skipf("corpus not found at %s (set KPKG_CORPUS)", dir)
	}
	return dir
}

// helmLint runs Helm v3.22.0's own lint as the oracle, for the same
// Kubernetes version kpkg assumes, and returns "SEVERITY path" for each
// warning and error. Helm files dependency findings under the chart
// directory; kpkg under Chart.yaml.
func helmLint(chartDir string, vals map[string]any) map[string]bool {
	client := action.NewLint()
	client.Namespace = "default"
	client.KubeVersion = &chartutil.KubeVersion{Version: "v1.37.0", Major: "1", Minor: "37"}
	res := client.Run([]string{chartDir}, vals)
	abs, _ := filepath.Abs(chartDir)
	out := map[string]bool{}
	for _, m := range res.Messages {
		if m.Severity < support.WarningSev {
			continue
		}
		path := m.Path
		if path == abs || path == chartDir {
			path = chartFile
		}
		out[Severity(m.Severity).String()+" "+path] = true
	}
	return out
}

func kpkgFindings(res *Result) (all, errs map[string]bool) {
	all, errs = map[string]bool{}, map[string]bool{}
	for _, f := range res.Findings {
		key := f.Severity.String() + " " + f.Path
		if f.Severity > Info {
			all[key] = true
		}
		if f.Severity == Error {
			errs[key] = true
		}
	}
	return all, errs
}

// TestCorpusAgainstHelm lints every corpus chart with its default values
// and holds kpkg to Helm's verdict: every warning and error Helm reports,
// kpkg reports on the same file, and kpkg reports no error Helm does not.
// The charts Helm itself fails (a v1 Chart.yaml with dependencies, a
// values.yaml that breaks its own schema) fail for the same reasons.
func TestCorpusAgainstHelm(t *testing.T) {
	corpus := corpusDir(t)
	charts, err := filepath.Glob(filepath.Join(corpus, "charts", "*"))
	if err != nil || len(charts) == 0 {
		t.Fatalf("no corpus charts: %v", err)
	}
	var failing atomic.Int32
	t.Cleanup(func() { t.Logf("%d/%d corpus charts pass kpkg lint", len(charts)-int(failing.Load()), len(charts)) })
	for _, dir := range charts {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			res, err := Lint(context.Background(), dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			helm := helmLint(dir, map[string]any{})
			all, errs := kpkgFindings(res)
			for key := range helm {
				if !all[key] {
					t.Errorf("helm lint reports %q, kpkg does not:\n%s", key, findingsText(res))
				}
			}
			for key := range errs {
				if !helm[key] {
					t.Errorf("kpkg reports %q, helm lint does not:\n%s", key, findingsText(res))
				}
			}
			if res.Failed() {
				failing.Add(1)
			}
			for key := range all {
				if !helm[key] {
					t.Logf("kpkg only: %s", key)
				}
			}
		})
	}
}

// TestCorpusCases lints every corpus render case with its values files: none
// may crash, and none may report an error beyond those its chart's default
// lint reports (Helm renders all of these cases successfully). Cases
// without values files are the default lint itself. -short skips it.
func TestCorpusCases(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: linting the default values of each chart only (TestCorpusAgainstHelm)")
	}
	corpus := corpusDir(t)
	cases, err := readCases(filepath.Join(corpus, "cases.tsv"))
	if err != nil {
		t.Skipf("no cases: %v", err)
	}
	byChart := map[string][]corpusCase{}
	for _, c := range cases {
		if len(c.values) > 0 {
			byChart[c.chartDir] = append(byChart[c.chartDir], c)
		}
	}
	for chartDir, cases := range byChart {
		t.Run(filepath.Base(chartDir), func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(corpus, chartDir)
			res, err := Lint(context.Background(), dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			_, baseline := kpkgFindings(res)
			for _, c := range cases {
				lintCase(t, dir, c, baseline)
			}
		})
	}
}

func lintCase(t *testing.T, dir string, c corpusCase, baseline map[string]bool) {
	var files []string
	for _, f := range c.values {
		files = append(files, filepath.Join(dir, f))
	}
	vals, err := values.Options{Files: files}.Merge(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", c.id, err)
	}
	res, err := Lint(context.Background(), dir, Options{Values: vals, Namespace: c.namespace})
	if err != nil {
		t.Fatalf("%s: %v", c.id, err)
	}
	_, errs := kpkgFindings(res)
	for key := range errs {
		if !baseline[key] {
			t.Errorf("%s: unexpected %s:\n%s", c.id, key, findingsText(res))
		}
	}
}

type corpusCase struct {
	id, chartDir, namespace string
	values                  []string
}

func readCases(path string) ([]corpusCase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []corpusCase
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		cols := strings.Split(line, "\t")
		if i == 0 {
			continue
		}
		if len(cols) < 5 {
			return nil, fmt.Errorf("%s:%d: %d columns, want at least 5", path, i+1, len(cols))
		}
		c := corpusCase{id: cols[0], chartDir: cols[1], namespace: cols[3]}
		if cols[4] != "" {
			c.values = strings.Split(cols[4], ",")
		}
		out = append(out, c)
	}
	return out, nil
}

func findingsText(res *Result) string {
	var lines []string
	for _, f := range res.Findings {
		lines = append(lines, f.String())
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
