package cli_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// completions runs `__complete args...` and returns stdout's lines.
func completions(t *testing.T, run func(...string) string, args ...string) []string {
	t.Helper()
	return strings.Split(strings.TrimSuffix(run(append([]string{"__complete"}, args...)...), "\n"), "\n")
}

// TestClusterCompletionsLikeHelm: release names, revisions, namespaces and
// kubeconfig contexts complete as Helm completes them.
func TestClusterCompletionsLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	releaseFixture(t)
	kpkg := func(args ...string) string { out, _, _ := runIn(t, "", args...); return out }
	helmOut := func(args ...string) string { out, _, _ := runHelmCode(t, helm, args...); return out }
	for _, args := range [][]string{
		{"status", ""}, {"status", "w"}, {"history", ""}, {"test", ""}, {"get", "values", ""}, {"get", "all", "web", ""},
		{"uninstall", ""}, {"uninstall", "web", ""}, {"rollback", ""}, {"rollback", "web", ""}, {"rollback", "web", "1", ""},
		{"upgrade", ""}, {"status", "-n", "other", ""}, {"history", "--namespace=other", ""},
		{"get", "values", "web", "--revision", ""}, {"status", "web", "--revision", ""}, {"get", "manifest", "--revision", ""},
		{"status", "--revision", ""}, {"rollback", "nope", ""},
		{"list", "-n", ""}, {"status", "--namespace", ""},
		{"list", "-o", ""}, {"history", "web", "-o", ""},
	} {
		if got, want := completions(t, kpkg, args...), completions(t, helmOut, args...); !slices.Equal(got, want) {
			t.Errorf("__complete %q:\nkpkg: %q\nhelm: %q", args, got, want)
		}
	}
	// Helm lists contexts in map order; compare as sets.
	got, want := completions(t, kpkg, "list", "--kube-context", ""), completions(t, helmOut, "list", "--kube-context", "")
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("--kube-context completions:\nkpkg: %q\nhelm: %q", got, want)
	}
}

// TestRepoCompletionsLikeHelm: repository names, charts (from the cached
// chart lists and, without them, the indexes), URL prefixes, local paths
// and chart versions complete as in Helm, and commands Helm completes
// nothing for say so the same way.
func TestRepoCompletionsLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	sharedRepos(t, helm)
	kpkg := func(args ...string) string { out, _, _ := runIn(t, "", args...); return out }
	helmOut := func(args ...string) string { out, _, _ := runHelmCode(t, helm, args...); return out }
	cases := [][]string{
		{"repo", "remove", ""}, {"repo", "update", "first", ""}, {"repo", "add", ""}, {"repo", "add", "n", "u", ""}, {"repo", "list", ""},
		{"show", "chart", ""}, {"show", "chart", "f"}, {"show", "values", "first/"}, {"show", "readme", "second-repo/w"}, {"show", "all", "first/web", ""},
		{"show", "chart", "o"}, {"show", "chart", "oci://"}, {"show", "crds", "h"}, {"show", "chart", "r"}, {"show", "chart", "zzz"},
		{"pull", ""}, {"pull", "first/"}, {"pull", "first/web", ""}, {"pull", "h"},
		{"install", ""}, {"install", "rel", ""}, {"install", "-g", ""}, {"install", "rel", "first/", "x"}, {"template", "t", "s"},
		{"upgrade", "rel", ""}, {"upgrade", "rel", "first/web", ""},
		{"show", "chart", "first/web", "--version", ""}, {"pull", "first/web", "--version", ""}, {"pull", "--version", ""},
		{"install", "rel", "first/web", "--version", ""}, {"install", "-g", "first/web", "--version", ""}, {"install", "first/web", "--version", ""},
		{"template", "rel", "second-repo/web", "--version", ""}, {"upgrade", "rel", "first/web", "--version", "1"},
		{"show", "chart", "first/nope", "--version", ""}, {"show", "chart", "nope/web", "--version", ""}, {"show", "chart", "oci://h/c", "--version", ""},
		{"push", ""}, {"push", "c.tgz", ""}, {"push", "c.tgz", "oci://x", ""}, {"registry", "login", ""}, {"registry", "logout", ""},
		{"create", ""}, {"create", "x", ""}, {"env", ""}, {"env", "HELM_BIN", ""}, {"version", ""}, {"completion", "bash", ""},
		{"lint", ""}, {"package", ""}, {"dependency", "list", ""}, {"dependency", "build", ""}, {"verify", ""}, {"verify", "x", ""},
		{"plugin", "install", ""}, {"plugin", "list", ""}, {"search", "repo", ""}, {"repo", "index", ""}, {"repo", "index", "d", ""},
		{"search", "repo", "-o", ""}, {"repo", "list", "-o", ""}, {"get", "values", "-o", ""},
	}
	for _, args := range cases {
		if got, want := completions(t, kpkg, args...), completions(t, helmOut, args...); !slices.Equal(got, want) {
			t.Errorf("__complete %q:\nkpkg: %q\nhelm: %q", args, got, want)
		}
	}
	// Without the cached chart lists, charts come from the indexes.
	cache := filepath.Join(os.Getenv("HOME"), ".cache", "helm", "repository")
	for _, name := range []string{"first", "second-repo"} {
		if err := os.Remove(filepath.Join(cache, name+"-charts.txt")); err != nil {
			t.Fatal(err)
		}
	}
	got, want := completions(t, kpkg, "show", "chart", "first/"), completions(t, helmOut, "show", "chart", "first/")
	// Helm lists the index's charts in map order.
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("charts from the index:\nkpkg: %q\nhelm: %q", got, want)
	}
}

// TestCompletionScriptsLikeHelm: the scripts are Helm's with kpkg's name,
// plus, under another binary name, the hook for that name.
func TestCompletionScriptsLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	helmHome(t)
	rename := strings.NewReplacer("helm", "kpkg", "Helm", "Kpkg", "HELM", "KPKG")
	bin := filepath.Base(os.Args[0])
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		for _, flags := range [][]string{nil, {"--no-descriptions"}} {
			args := append([]string{"completion", shell}, flags...)
			want := rename.Replace(runHelm(t, helm, args...))
			got := mustRun(t, args...)
			if shell == "zsh" {
				// Helm's script ends with its compdef line, after the hook.
				want = strings.TrimSuffix(want, "compdef _kpkg kpkg")
			}
			if !strings.HasPrefix(got, want) {
				t.Errorf("%q is not Helm's script with kpkg's name", args)
			}
			if rest := strings.TrimPrefix(got, want); (shell == "bash" || shell == "zsh") && !strings.Contains(rest, "_kpkg "+bin) {
				t.Errorf("%q: no hook for %s: %q", args, bin, rest)
			}
		}
	}
}
