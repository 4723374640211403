package cli_test

import (
	"regexp"
	"strings"
	"testing"
)

var quotedValue = regexp.MustCompile(`:"[^"]*"`)

// TestVersionLikeHelm: version prints Helm's BuildInfo layout, takes
// --template over the same fields, --short and the hidden -c/--client,
// and refuses what Helm refuses.
func TestVersionLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	helmHome(t)
	want := quotedValue.ReplaceAllString(runHelm(t, helm, "version"), `:""`)
	if got := quotedValue.ReplaceAllString(mustRun(t, "version"), `:""`); got != want {
		t.Errorf("version: kpkg %q, helm %q", got, want)
	}
	tmpl := "{{.Version}}|{{.GitCommit}}|{{.GitTreeState}}|{{.GoVersion}}"
	got := mustRun(t, "version", "--template", tmpl)
	if parts := strings.Split(got, "|"); len(parts) != 4 || !strings.HasPrefix(parts[3], "go") || strings.HasSuffix(got, "\n") {
		t.Errorf("version --template: %q", got)
	}
	for _, args := range [][]string{{"version", "-c"}, {"version", "--client=false"}, {"version", "--short"}} {
		if _, _, code := runIn(t, "", args...); code != 0 {
			t.Errorf("%q: exit %d", args, code)
		}
	}
	if got := mustRun(t, "version", "--short"); strings.Contains(got, "{") || strings.Count(got, "\n") != 1 {
		t.Errorf("version --short: %q", got)
	}
	for _, args := range [][]string{{"version", "extra"}, {"version", "--template", "{{.Nope}}"}, {"version", "--template", "{{"}} {
		_, _, helmCode := runHelmCode(t, helm, args...)
		if _, _, code := runIn(t, "", args...); code == 0 || helmCode == 0 {
			t.Errorf("%q: kpkg exit %d, helm exit %d", args, code, helmCode)
		}
	}
}

// TestUnknownOutputFormatsRefused: every -o refuses a format other than
// table, json and yaml before doing anything else.
func TestUnknownOutputFormatsRefused(t *testing.T) {
	repoEnv(t)
	for _, args := range [][]string{
		{"list"}, {"history", "r"}, {"status", "r"}, {"get", "values", "r"}, {"get", "metadata", "r"},
		{"install", "r", "c"}, {"upgrade", "r", "c"}, {"search", "repo"}, {"repo", "list"}, {"dependency", "list"},
		{"show", "versions", "c"}, {"version"},
	} {
		for _, format := range []string{"xml", "JSON", ""} {
			_, stderr, code := runIn(t, "", append(args, "-o", format)...)
			if code == 0 || !strings.Contains(stderr, "invalid format type") {
				t.Errorf("%q -o %q: exit %d, %s", args, format, code, stderr)
			}
		}
	}
}
