package cli_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"golang.org/x/crypto/bcrypt"

	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// These tests run the real Helm v3.22.0 binary (KPKG_TEST_HELM3) beside
// kpkg on one HOME: with the same environment both must see the same
// settings and the same files.

// runHelmCode runs Helm and returns its output and exit code.
func runHelmCode(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("helm %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), code
}

func TestEnvLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	home := helmHome(t)
	kubeconfigWithContexts(t, filepath.Join(home, ".kube", "config"))
	cases := []struct {
		env  map[string]string
		args []string
	}{
		{nil, nil},
		{map[string]string{"XDG_CONFIG_HOME": filepath.Join(home, "xc"), "XDG_CACHE_HOME": filepath.Join(home, "xk")}, nil},
		{map[string]string{"HELM_DATA_HOME": filepath.Join(home, "data") + "/", "HELM_NAMESPACE": "envns", "HELM_MAX_HISTORY": "3",
			"HELM_QPS": "1.5", "HELM_BURST_LIMIT": "bad", "HELM_KUBETOKEN": "tok", "HELM_DEBUG": "1"}, nil},
		{nil, []string{"--kube-context", "two"}},
		// Not --kube-as-group: Helm parses its global flags twice, so
		// "--kube-as-group a" gives it the groups "a,a" (kpkg: "a").
		{nil, []string{"-n", "flagns", "--kubeconfig", "/k", "--qps", "4", "--burst-limit", "9", "--debug", "--kube-as-user", "me",
			"--registry-config", "/r.json", "--repository-cache", "/rc"}},
		{map[string]string{"HELM_KUBEASGROUPS": "g1,g2"}, nil},
	}
	for _, c := range cases {
		for k, v := range c.env {
			t.Setenv(k, v)
		}
		args := append([]string{"env"}, c.args...)
		want, _, code := runHelmCode(t, helm, args...)
		if code != 0 {
			t.Fatalf("helm %q: exit %d", args, code)
		}
		if got := mustRun(t, args...); withoutHelmBin(got) != withoutHelmBin(want) {
			t.Errorf("env %v %q:\nkpkg:\n%s\nhelm:\n%s", c.env, c.args, got, want)
		}
		for _, name := range []string{"HELM_NAMESPACE", "HELM_PLUGINS", "KUBECONFIG", "NOPE"} {
			one := append([]string{"env", name}, c.args...)
			if got, want := mustRun(t, one...), runHelm(t, helm, one...); got != want {
				t.Errorf("%q: kpkg %q, helm %q", one, got, want)
			}
		}
		for k := range c.env {
			t.Setenv(k, "")
		}
	}
}

// chartSite serves an HTTP chart repository holding the demo chart.
func chartSite(t *testing.T) string {
	t.Helper()
	site := t.TempDir()
	mustRun(t, "package", demoChart, "-d", site)
	mustRun(t, "repo", "index", site)
	url, _ := repotest.ServeDir(t, site, repotest.ServeOptions{})
	return url
}

// A repository added by either tool is searched and pulled by the other.
func TestRepositoriesSharedWithHelm(t *testing.T) {
	helm := helmBinary(t)
	home := helmHome(t)
	url := chartSite(t)

	runHelm(t, helm, "repo", "add", "fromhelm", url)
	if out := mustRun(t, "search", "repo", "fromhelm"); !strings.Contains(out, "fromhelm/demo") {
		t.Errorf("kpkg search after helm repo add:\n%s", out)
	}
	dest := t.TempDir()
	mustRun(t, "pull", "fromhelm/demo", "-d", dest)
	if _, err := os.Stat(filepath.Join(dest, "demo-1.2.3.tgz")); err != nil {
		t.Errorf("kpkg pull of a repository helm added: %v", err)
	}

	if out := mustRun(t, "repo", "add", "fromkpkg", url); !strings.Contains(out, `"fromkpkg" has been added`) {
		t.Errorf("kpkg repo add: %s", out)
	}
	if out := runHelm(t, helm, "search", "repo", "fromkpkg"); !strings.Contains(out, "fromkpkg/demo") {
		t.Errorf("helm search after kpkg repo add:\n%s", out)
	}
	dest = t.TempDir()
	runHelm(t, helm, "pull", "fromkpkg/demo", "-d", dest)
	if _, err := os.Stat(filepath.Join(dest, "demo-1.2.3.tgz")); err != nil {
		t.Errorf("helm pull of a repository kpkg added: %v", err)
	}
	if got, want := mustRun(t, "repo", "list", "-o", "json"), runHelm(t, helm, "repo", "list", "-o", "json"); got != want {
		t.Errorf("repo list -o json: kpkg %s, helm %s", got, want)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "helm", "repositories.yaml")); err != nil {
		t.Errorf("not Helm's repositories.yaml: %v", err)
	}
	// kpkg repo update refreshes the cache helm searches, and the other
	// way round.
	mustRun(t, "repo", "remove", "fromhelm")
	if out := runHelm(t, helm, "repo", "list"); strings.Contains(out, "fromhelm") {
		t.Errorf("helm still lists the repository kpkg removed:\n%s", out)
	}
}

// helm registry login stores credentials kpkg push and pull use.
func TestRegistryLoginSharedWithHelm(t *testing.T) {
	helm := helmBinary(t)
	helmHome(t)
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	htpasswd := writeFiles(t, t.TempDir(), map[string]string{"htpasswd": "alice:" + string(hash) + "\n"})
	host := repotest.StartRegistry(t, filepath.Join(htpasswd, "htpasswd"))
	site := t.TempDir()
	mustRun(t, "package", demoChart, "-d", site)
	archive := filepath.Join(site, "demo-1.2.3.tgz")

	if _, stderr, code := runIn(t, "", "push", archive, "oci://"+host+"/charts", "--plain-http"); code == 0 {
		t.Fatal("push without credentials succeeded")
	} else if !strings.Contains(stderr, host) {
		t.Errorf("push without credentials: %s", stderr)
	}
	runHelm(t, helm, "registry", "login", host, "-u", "alice", "-p", "s3cret", "--plain-http")
	if out := mustRun(t, "push", archive, "oci://"+host+"/charts", "--plain-http"); !strings.Contains(out, "Pushed: "+host+"/charts/demo:1.2.3") {
		t.Errorf("kpkg push after helm registry login: %s", out)
	}
	dest := t.TempDir()
	mustRun(t, "pull", "oci://"+host+"/charts/demo", "--version", "1.2.3", "--plain-http", "-d", dest)
	if _, err := os.Stat(filepath.Join(dest, "demo-1.2.3.tgz")); err != nil {
		t.Errorf("kpkg pull after helm registry login: %v", err)
	}
	// And the other way: kpkg logs out, helm can no longer pull.
	mustRun(t, "registry", "logout", host)
	if _, _, code := runHelmCode(t, helm, "pull", "oci://"+host+"/charts/demo", "--version", "1.2.3", "--plain-http", "-d", t.TempDir()); code == 0 {
		t.Error("helm pulled after kpkg registry logout")
	}
	if out := mustRun(t, "registry", "login", host, "-u", "alice", "-p", "s3cret", "--plain-http"); !strings.Contains(out, "Login Succeeded") {
		t.Errorf("kpkg registry login: %s", out)
	}
	runHelm(t, helm, "pull", "oci://"+host+"/charts/demo", "--version", "1.2.3", "--plain-http", "-d", t.TempDir())
}

// template resolves the release namespace as Helm does: the whole output
// is compared.
func TestTemplateNamespaceLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	home := helmHome(t)
	chart := nsChart(t)
	compare := func(args ...string) {
		t.Helper()
		args = append([]string{"template", chart}, args...)
		if got, want := mustRun(t, args...), runHelm(t, helm, args...); got != want {
			t.Errorf("%q (HELM_NAMESPACE=%q):\nkpkg:\n%s\nhelm:\n%s", args, os.Getenv("HELM_NAMESPACE"), got, want)
		}
	}
	compare()
	kubeconfigWithContexts(t, filepath.Join(home, ".kube", "config"))
	compare()
	compare("--kube-context", "two")
	compare("--kube-context", "missing")
	compare("--kubeconfig", filepath.Join(home, "missing"))
	t.Setenv("HELM_NAMESPACE", "from-env")
	compare()
	compare("-n", "from-flag")
	compare("--name-template", "{{ \"gen\" | printf \"%s-x\" }}")
}

// Both tools refuse the same names and flag combinations with the same
// message.
func TestReleaseNameErrorsLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	helmHome(t)
	chart := nsChart(t)
	for _, args := range [][]string{
		{"FOO", chart}, {"one_two", chart}, {"--", "-two", chart}, {"", chart}, {strings.Repeat("x", 54), chart},
		{"-g", "x", chart}, {"--name-template", "n", "x", chart}, {"a", chart, "c"},
		{"--name-template", "{{ upper \"abc\" }}", chart}, {"--name-template", "{{ nope }}", chart},
		{"--labels", "status=x", chart}, {"--dry-run=maybe", chart}, {"--kube-version", "x1.2", chart},
	} {
		args = append([]string{"template"}, args...)
		_, stderr, code := runIn(t, "", args...)
		_, hstderr, hcode := runHelmCode(t, helm, args...)
		if code == 0 || hcode == 0 || stderr != hstderr {
			t.Errorf("%q: kpkg exit %d %q, helm exit %d %q", args, code, stderr, hcode, hstderr)
		}
	}
}

// The global flags are accepted where Helm accepts them, with the same
// result.
func TestGlobalFlagsAcceptedLikeHelm(t *testing.T) {
	helm := helmBinary(t)
	home := helmHome(t)
	kubeconfigWithContexts(t, filepath.Join(home, ".kube", "config"))
	url := chartSite(t)
	mustRun(t, "repo", "add", "demo", url)
	for _, args := range [][]string{
		{"-n", "foo", "repo", "list", "-o", "json"},
		{"repo", "list", "--kube-context", "x", "-o", "json"},
		{"--kubeconfig", filepath.Join(home, ".kube", "config"), "search", "repo", "demo", "-o", "json"},
		{"--qps", "3", "--burst-limit", "4", "--kube-token", "t", "search", "repo", "demo", "-o", "json"},
		{"--repository-config", filepath.Join(home, "none.yaml"), "repo", "list"},
		{"env", "HELM_QPS", "--qps", "2.345"},
	} {
		got, _, code := runIn(t, "", args...)
		want, _, hcode := runHelmCode(t, helm, args...)
		if code != hcode || got != want {
			t.Errorf("%q: kpkg exit %d %q, helm exit %d %q", args, code, got, hcode, want)
		}
	}
}

// While Helm's repository lock is held, "repo add" of both tools waits;
// once it is released, both finish.
func TestRepositoryLockSharedWithHelm(t *testing.T) {
	helm := helmBinary(t)
	home := helmHome(t)
	url := chartSite(t)
	lockPath := filepath.Join(home, ".config", "helm", "repositories.lock")
	if err := os.MkdirAll(filepath.Dir(lockPath), 0o755); err != nil {
		t.Fatal(err)
	}
	lock := flock.New(lockPath)
	if err := lock.Lock(); err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 2)
	go func() {
		_, stderr, code := runIn(t, "", "repo", "add", "k", url)
		done <- fmt.Sprintf("kpkg exit %d %s", code, stderr)
	}()
	go func() {
		cmd := exec.Command(helm, "repo", "add", "h", url)
		out, err := cmd.CombinedOutput()
		done <- fmt.Sprintf("helm %v %s", err, out)
	}()
	select {
	case r := <-done:
		t.Fatalf("repo add finished while the lock was held: %s", r)
	case <-time.After(700 * time.Millisecond):
	}
	if err := lock.Unlock(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if r := <-done; !strings.HasPrefix(r, "kpkg exit 0") && !strings.HasPrefix(r, "helm <nil>") {
			t.Errorf("after the lock was released: %s", r)
		}
	}
	if out := mustRun(t, "repo", "list", "-o", "json"); !strings.Contains(out, `"k"`) || !strings.Contains(out, `"h"`) {
		t.Errorf("repositories after both adds: %s", out)
	}
}
