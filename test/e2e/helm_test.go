package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// helmBin is a real Helm binary the interop tests run beside kpkg, built
// by `make tools` from the Go module proxy.
type helmBin struct {
	name string // "v3" or "v4"
	path string
	home string // HOME and HELM_*_HOME of its own
}

// helms returns Helm v3.22.0 and v4.3.1 (KPKG_TEST_HELM3, KPKG_TEST_HELM4);
// the tests skip when neither is set (a bare `go test`), and `make e2e`
// always sets both.
func helms(t *testing.T) []helmBin {
	t.Helper()
	out := optionalHelms(t)
	if len(out) == 0 {
		t.Skip("KPKG_TEST_HELM3 and KPKG_TEST_HELM4 are not set; `make e2e` builds and sets them")
	}
	return out
}

// forEachHelm runs fn as a parallel subtest per Helm version.
func forEachHelm(t *testing.T, fn func(t *testing.T, h helmBin)) {
	for _, h := range helms(t) {
		t.Run("helm="+h.name, func(t *testing.T) {
			t.Parallel()
			fn(t, h)
		})
	}
}

// helmCmd prepares helm args against the test cluster in namespace ns,
// with a home of its own so no developer configuration is read.
func (h helmBin) cmd(ctx context.Context, ns string, extra []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	full := append(append([]string{}, args...), "--kubeconfig", env.Kubeconfig, "--namespace", ns)
	cmd := exec.CommandContext(ctx, h.path, full...)
	cmd.Env = append([]string{
		"HOME=" + h.home, "PATH=" + os.Getenv("PATH"),
		"HELM_CONFIG_HOME=" + filepath.Join(h.home, "config"),
		"HELM_CACHE_HOME=" + filepath.Join(h.home, "cache"),
		"HELM_DATA_HOME=" + filepath.Join(h.home, "data"),
	}, extra...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

func (h helmBin) run(t *testing.T, ns string, extra []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd, stdout, stderr := h.cmd(ctx, ns, extra, args...)
	return runCmd(t, cmd, stdout, stderr)
}

func (h helmBin) must(t *testing.T, ns string, extra []string, args ...string) result {
	t.Helper()
	r := h.run(t, ns, extra, args...)
	if r.code != 0 {
		t.Fatalf("helm %s %s failed: %s", h.name, strings.Join(args, " "), r)
	}
	return r
}

// helmHistory is `helm history -o json` in the form kpkg's is compared in.
func (h helmBin) history(t *testing.T, ns string, extra []string, name string) []historyEntry {
	t.Helper()
	r := h.must(t, ns, extra, "history", name, "-o", "json")
	var out []historyEntry
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("parse helm history JSON: %v\n%s", err, r.stdout)
	}
	return out
}

// sameHistory requires Helm and kpkg to show the same revisions, statuses,
// charts and descriptions, and returns the statuses.
func sameHistory(t *testing.T, h helmBin, ns string, extra []string, name string) string {
	t.Helper()
	theirs := h.history(t, ns, extra, name)
	r := kpkgEnv(t, ns, extra, "history", name, "-o", "json")
	if r.code != 0 {
		t.Fatalf("kpkg history: %s", r)
	}
	var ours []historyEntry
	if err := json.Unmarshal([]byte(r.stdout), &ours); err != nil {
		t.Fatalf("parse kpkg history JSON: %v\n%s", err, r.stdout)
	}
	norm := func(h []historyEntry) string {
		var rows []string
		for _, e := range h {
			rows = append(rows, strings.Join([]string{itoa(e.Revision), e.Status, e.Chart, e.AppVersion, e.Description, e.Updated.UTC().Format(time.RFC3339)}, "|"))
		}
		sort.Strings(rows)
		return strings.Join(rows, "\n")
	}
	if norm(ours) != norm(theirs) {
		t.Errorf("histories differ\nkpkg:\n%s\nhelm %s:\n%s", norm(ours), h.name, norm(theirs))
	}
	return statuses(ours)
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// optionalHelms are the Helm binaries that are set, each with a home of
// its own; tests that need no Helm use it for extra checks.
func optionalHelms(t *testing.T) []helmBin {
	var out []helmBin
	for _, v := range []struct{ name, env string }{{"v3", "KPKG_TEST_HELM3"}, {"v4", "KPKG_TEST_HELM4"}} {
		if p := os.Getenv(v.env); p != "" {
			out = append(out, helmBin{name: v.name, path: p, home: t.TempDir()})
		}
	}
	return out
}
