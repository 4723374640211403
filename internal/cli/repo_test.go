package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/internal/cli"
	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

const demoChart = "../../testdata/repo/demo"

// repoEnv points kpkg's repository configuration, cache and registry
// credentials at a fresh directory.
func repoEnv(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("KPKG_REPOSITORY_CONFIG", filepath.Join(dir, "repositories.yaml"))
	t.Setenv("KPKG_REPOSITORY_CACHE", filepath.Join(dir, "cache"))
	t.Setenv("KPKG_REGISTRY_CONFIG", filepath.Join(dir, "registry.json"))
	t.Setenv("DOCKER_CONFIG", filepath.Join(dir, "docker"))
	return dir
}

func runIn(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, code := runIn(t, "", args...)
	if code != 0 {
		t.Fatalf("kpkg %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return out
}

// TestRepoWorkflow is the HTTP repository story end to end through the
// commands: package, index, serve, add, update, search, pull, template.
func TestRepoWorkflow(t *testing.T) {
	repoEnv(t)
	site := t.TempDir()
	for _, v := range []string{"1.0.0", "1.1.0", "2.0.0-rc.1"} {
		out := mustRun(t, "package", demoChart, "--version", v, "-d", site)
		if want := "Successfully packaged chart and saved it to: " + filepath.Join(site, "demo-"+v+".tgz"); !strings.Contains(out, want) {
			t.Errorf("package output %q", out)
		}
	}
	mustRun(t, "repo", "index", site)
	url, _ := repotest.ServeDir(t, site, repotest.ServeOptions{User: "ci", Pass: "token"})

	if _, stderr, code := runIn(t, "", "repo", "add", "demo", url); code == 0 || !strings.Contains(stderr, "401") {
		t.Errorf("add without credentials: exit %d, %s", code, stderr)
	}
	if out, stderr, code := runIn(t, "token\n", "repo", "add", "demo", url, "--username", "ci", "--password-stdin"); code != 0 || out != "\"demo\" has been added to your repositories\n" {
		t.Fatalf("repo add: %d %q %s", code, out, stderr)
	}
	var listed []map[string]string
	if err := json.Unmarshal([]byte(mustRun(t, "repo", "list", "-o", "json")), &listed); err != nil || len(listed) != 1 || listed[0]["url"] != url {
		t.Errorf("repo list -o json: %v %v", listed, err)
	}
	if out := mustRun(t, "repo", "update"); !strings.Contains(out, `Successfully got an update from the "demo" chart repository`) {
		t.Errorf("repo update: %q", out)
	}

	var found []map[string]string
	if err := json.Unmarshal([]byte(mustRun(t, "search", "repo", "demo", "-o", "json")), &found); err != nil || len(found) != 1 || found[0]["version"] != "1.1.0" || found[0]["app_version"] != "4.5" {
		t.Errorf("search repo -o json: %v %v", found, err)
	}
	table := mustRun(t, "search", "repo", "demo", "--versions", "--devel")
	if lines := strings.Split(strings.TrimSpace(table), "\n"); len(lines) != 4 || !strings.HasPrefix(lines[0], "NAME") || !strings.HasPrefix(lines[1], "demo/demo") || !strings.Contains(lines[1], "2.0.0-rc.1") {
		t.Errorf("search --versions --devel:\n%s", table)
	}
	if out := mustRun(t, "search", "repo", "nothing-like-this"); out != "No results found\n" {
		t.Errorf("search with no match: %q", out)
	}

	dest := t.TempDir()
	mustRun(t, "pull", "demo/demo", "--version", "~1.0", "-d", dest)
	pulled, err := os.ReadFile(filepath.Join(dest, "demo-1.0.0.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	if orig, _ := os.ReadFile(filepath.Join(site, "demo-1.0.0.tgz")); !bytes.Equal(orig, pulled) {
		t.Error("pulled archive differs from the served one")
	}
	mustRun(t, "pull", "demo/demo", "--untar", "-d", dest)
	if _, err := os.Stat(filepath.Join(dest, "demo", "Chart.yaml")); err != nil {
		t.Errorf("--untar: %v", err)
	}

	local := mustRun(t, "template", "r", demoChart)
	for _, args := range [][]string{
		{"template", "r", "demo/demo", "--version", "1.2.3"},
		{"template", "r", "demo", "--repo", url, "--username", "ci", "--password", "token"},
		{"template", "r", url + "/demo-1.1.0.tgz", "--username", "ci", "--password", "token"},
	} {
		out, stderr, code := runIn(t, "", args...)
		if args[3] == "--version" {
			if code == 0 || !strings.Contains(stderr, `"1.2.3"`) {
				t.Errorf("template of a missing version: exit %d %s", code, stderr)
			}
			continue
		}
		if code != 0 || out != local {
			t.Errorf("kpkg %s: exit %d, %s; output equal to local: %v", strings.Join(args, " "), code, stderr, out == local)
		}
	}

	if out := mustRun(t, "repo", "remove", "demo"); out != "\"demo\" has been removed from your repositories\n" {
		t.Errorf("repo remove: %q", out)
	}
	if _, stderr, code := runIn(t, "", "repo", "list"); code == 0 || !strings.Contains(stderr, "no repositories to show") {
		t.Errorf("repo list after remove: %d %s", code, stderr)
	}
}

// TestPackageReproducible runs 'kpkg package' twice and compares bytes.
func TestPackageReproducible(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	mustRun(t, "package", demoChart, "-d", a)
	mustRun(t, "package", demoChart, "-d", b)
	x, _ := os.ReadFile(filepath.Join(a, "demo-1.2.3.tgz"))
	y, _ := os.ReadFile(filepath.Join(b, "demo-1.2.3.tgz"))
	if len(x) == 0 || !bytes.Equal(x, y) {
		t.Error("two packagings of the same chart differ")
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	mustRun(t, "package", demoChart, "-d", b)
	if z, _ := os.ReadFile(filepath.Join(b, "demo-1.2.3.tgz")); bytes.Equal(x, z) {
		t.Error("SOURCE_DATE_EPOCH did not date the entries")
	}
}

// TestOCIPushPullCommands pushes with 'kpkg push' and pulls with 'kpkg pull'
// against a real registry: the bytes and digests must match. This is the
// first half of the push -> pull -> install round trip.
func TestOCIPushPullCommands(t *testing.T) {
	repoEnv(t)
	host := repotest.StartRegistry(t, "")
	site := t.TempDir()
	mustRun(t, "package", demoChart, "-d", site)
	archive := filepath.Join(site, "demo-1.2.3.tgz")
	out := mustRun(t, "push", archive, "oci://"+host+"/charts", "--plain-http")
	if !strings.HasPrefix(out, "Pushed: "+host+"/charts/demo:1.2.3\nDigest: sha256:") {
		t.Fatalf("push output %q", out)
	}
	digest := strings.TrimSpace(strings.SplitN(out, "Digest: ", 2)[1])

	for _, ref := range []string{"oci://" + host + "/charts/demo:1.2.3", "oci://" + host + "/charts/demo@" + digest} {
		dest := t.TempDir()
		pullOut := mustRun(t, "pull", ref, "--plain-http", "-d", dest)
		if !strings.Contains(pullOut, "Digest: "+digest) {
			t.Errorf("pull %s output %q", ref, pullOut)
		}
		got, _ := os.ReadFile(filepath.Join(dest, "demo-1.2.3.tgz"))
		if want, _ := os.ReadFile(archive); !bytes.Equal(got, want) {
			t.Errorf("pull %s: bytes differ from the pushed archive", ref)
		}
	}
	if out := mustRun(t, "template", "r", "oci://"+host+"/charts/demo", "--version", ">=1.0.0", "--plain-http"); out != mustRun(t, "template", "r", demoChart) {
		t.Error("template from oci:// differs from the local chart")
	}
	if _, stderr, code := runIn(t, "", "pull", "oci://"+host+"/charts/demo", "--version", "9.9.9", "--plain-http", "-d", t.TempDir()); code == 0 || !strings.Contains(stderr, host+"/charts/demo:9.9.9") {
		t.Errorf("pull of a missing version: %d %s", code, stderr)
	}
}
