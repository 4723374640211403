package layout

import (
	"bufio"
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/kpkg/kpkg/"

// rule forbids packages under Packages (module-relative prefixes), except
// those under Except, to depend, directly or not, on anything under Forbid
// that is not under Allow.
type rule struct {
	Packages []string
	Except   []string
	Forbid   []string
	Allow    []string
	Why      string
}

var rules = []rule{
	{
		Packages: []string{"pkg/"},
		Forbid:   []string{module + "internal/", module + "cmd/"},
		Why:      "libraries are imported by other programs; the command layer imports them, never the reverse",
	},
	{
		Packages: []string{"pkg/"},
		Except:   []string{"pkg/kube", "pkg/release"},
		Forbid:   []string{"k8s.io/client-go", "k8s.io/cli-runtime"},
		// The scheme is a registry of API types (lint decodes objects
		// strictly with it); it opens no connection.
		Allow: []string{"k8s.io/client-go/kubernetes/scheme"},
		Why:   "only the cluster client and the releases it stores talk to an API server",
	},
	{
		Packages: []string{"pkg/"},
		Except:   []string{"pkg/render", "pkg/release", "pkg/lint"},
		Forbid:   []string{module + "pkg/render"},
		Why:      "the renderer is for the verbs that render; manifests as data are in pkg/manifest",
	},
	{
		Packages: []string{"pkg/manifest", "pkg/internal/"},
		Forbid:   []string{module},
		Why:      "the foundations import nothing of kpkg's",
	},
	{
		Packages: []string{"pkg/chart", "pkg/values"},
		Forbid:   []string{module + "pkg/repo", module + "pkg/kube", module + "pkg/release", module + "pkg/lint"},
		Why:      "loading a chart and its values needs no repository, cluster or release",
	},
}

// deps lists every package of the module with its transitive dependencies.
func deps(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, "./...")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	m := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 0 {
			m[strings.TrimPrefix(fields[0], module)] = fields[1:]
		}
	}
	return m
}

// violations returns "pkg: dep (why)" for every rule broken in graph.
func violations(graph map[string][]string) []string {
	var out []string
	for pkg, ds := range graph {
		for _, r := range rules {
			if !underAny(pkg, r.Packages) || underAny(pkg, r.Except) {
				continue
			}
			for _, d := range ds {
				if d == module+pkg || !underAny(d, r.Forbid) || underAny(d, r.Allow) {
					continue
				}
				out = append(out, pkg+" depends on "+d+": "+r.Why)
			}
		}
	}
	slices.Sort(out)
	return out
}

// underAny reports whether path is one of prefixes or below one of them.
func underAny(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if path == strings.TrimSuffix(p, "/") || strings.HasPrefix(path, strings.TrimSuffix(p, "/")+"/") {
			return true
		}
	}
	return false
}

func TestImportRules(t *testing.T) {
	graph := deps(t)
	if _, ok := graph["pkg/release"]; !ok {
		t.Fatalf("go list did not list pkg/release; got %d packages", len(graph))
	}
	for _, v := range violations(graph) {
		t.Error(v)
	}
}

// TestImportRulesCatchViolations shows that each rule fires on a graph
// that breaks it, so a rule cannot silently stop matching.
func TestImportRulesCatchViolations(t *testing.T) {
	tests := []struct {
		pkg, dep string
	}{
		{"pkg/release", module + "internal/cli"},
		{"pkg/render", "k8s.io/client-go/kubernetes"},
		{"pkg/repo", "k8s.io/cli-runtime/pkg/resource"},
		{"pkg/kube", module + "pkg/render"},
		{"pkg/diff", module + "pkg/render"},
		{"pkg/manifest", module + "pkg/chart"},
		{"pkg/chart", module + "pkg/repo"},
	}
	for _, tt := range tests {
		if got := violations(map[string][]string{tt.pkg: {tt.dep}}); len(got) == 0 {
			t.Errorf("%s importing %s was not reported", tt.pkg, tt.dep)
		}
	}
	allowed := map[string][]string{
		"pkg/release":  {"k8s.io/client-go/kubernetes", module + "pkg/render", module + "pkg/kube"},
		"pkg/kube":     {"k8s.io/cli-runtime/pkg/resource", module + "pkg/manifest"},
		"internal/cli": {module + "pkg/render", "k8s.io/client-go/rest"},
	}
	if got := violations(allowed); len(got) > 0 {
		t.Errorf("allowed imports reported: %v", got)
	}
}
