package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The release tests drive the real kpkg binary, built once from this
// checkout, against the harness cluster: the same program users run, so
// signals and exit codes are real too.
var (
	buildOnce sync.Once
	kpkgPath  string
	buildErr  error
)

func kpkgBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kpkg-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		kpkgPath = filepath.Join(dir, "kpkg")
		cmd := exec.Command("go", "build", "-o", kpkgPath, "./cmd/kpkg")
		cmd.Dir = repoRoot()
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ./cmd/kpkg: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return kpkgPath
}

func repoRoot() string {
	wd, _ := os.Getwd()
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

func testChart(name string) string {
	wd, _ := os.Getwd()
	return filepath.Join(wd, "testdata", "charts", name)
}

func repoChart(name string) string { return filepath.Join(repoRoot(), "charts", name) }

// result is one finished kpkg run.
type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("exit %d after %s\nstdout:\n%s\nstderr:\n%s", r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)
}

// kpkgCmd prepares kpkg args against the test cluster in namespace ns.
func kpkgCmd(t testing.TB, ctx context.Context, ns string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	return kpkgCmdEnv(t, ctx, ns, nil, args...)
}

// kpkgCmdEnv is kpkgCmd with extra environment variables.
func kpkgCmdEnv(t testing.TB, ctx context.Context, ns string, extra []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	full := append([]string{}, args...)
	full = append(full, "--kubeconfig", env.Kubeconfig, "--namespace", ns)
	cmd := exec.CommandContext(ctx, kpkgBinary(t), full...)
	cmd.Env = append(append(os.Environ(), "KUBECONFIG="+env.Kubeconfig), extra...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// kpkg runs kpkg and returns what it did, whatever the exit code.
func kpkg(t testing.TB, ns string, args ...string) result {
	t.Helper()
	return kpkgEnv(t, ns, nil, args...)
}

// kpkgEnv is kpkg with extra environment variables.
func kpkgEnv(t testing.TB, ns string, extra []string, args ...string) result {
	t.Helper()
	kpkgBinary(t) // build before the clock starts: it can take minutes
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd, stdout, stderr := kpkgCmdEnv(t, ctx, ns, extra, args...)
	return runCmd(t, cmd, stdout, stderr)
}

// runCmd runs a prepared command and returns what it did, whatever the
// exit code.
func runCmd(t testing.TB, cmd *exec.Cmd, stdout, stderr *bytes.Buffer) result {
	t.Helper()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("run %v: %v", cmd.Args, err)
	}
	return finish(t, cmd, stdout, stderr, start)
}

// finish waits for a started kpkg and returns what it did.
func finish(t testing.TB, cmd *exec.Cmd, stdout, stderr fmt.Stringer, start time.Time) result {
	t.Helper()
	err := cmd.Wait()
	r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run %v: %v", cmd.Args, err)
	}
	return r
}

// mustKpkg runs kpkg and fails the test unless it succeeds.
func mustKpkg(t testing.TB, ns string, args ...string) result {
	t.Helper()
	r := kpkg(t, ns, args...)
	if r.code != 0 {
		t.Fatalf("kpkg %s failed: %s", strings.Join(args, " "), r)
	}
	return r
}

// failKpkg runs kpkg, requires it to fail, and requires stderr to contain
// every want.
func failKpkg(t testing.TB, ns string, want []string, args ...string) result {
	t.Helper()
	r := kpkg(t, ns, args...)
	if r.code == 0 {
		t.Fatalf("kpkg %s succeeded, want a failure: %s", strings.Join(args, " "), r)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("kpkg %s: stderr lacks %q: %s", strings.Join(args, " "), w, r)
		}
	}
	return r
}

// historyEntry is one row of `kpkg history -o json`, with Helm's fields.
type historyEntry struct {
	Revision    int       `json:"revision"`
	Updated     time.Time `json:"updated"`
	Status      string    `json:"status"`
	Chart       string    `json:"chart"`
	AppVersion  string    `json:"app_version"`
	Description string    `json:"description"`
}

func history(t testing.TB, ns, name string) []historyEntry {
	t.Helper()
	r := mustKpkg(t, ns, "history", name, "-o", "json")
	var h []historyEntry
	if err := json.Unmarshal([]byte(r.stdout), &h); err != nil {
		t.Fatalf("parse history JSON: %v\n%s", err, r.stdout)
	}
	return h
}

// statuses is "1:superseded 2:deployed".
func statuses(h []historyEntry) string {
	parts := make([]string, len(h))
	for i, e := range h {
		parts[i] = fmt.Sprintf("%d:%s", e.Revision, e.Status)
	}
	return strings.Join(parts, " ")
}

func wantHistory(t testing.TB, ns, name, want string) []historyEntry {
	t.Helper()
	h := history(t, ns, name)
	if got := statuses(h); got != want {
		t.Fatalf("history of %s = %q, want %q (%+v)", name, got, want, h)
	}
	return h
}

// releaseSecrets lists the Secrets that store a release, Helm's records
// (owner=helm) and the parts of revisions too large for one (owner=kpkg),
// by name.
func releaseSecrets(t testing.TB, ns, name string) []corev1.Secret {
	t.Helper()
	list, err := env.Client.CoreV1().Secrets(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "owner in (helm,kpkg),name=" + name})
	if err != nil {
		t.Fatalf("list release secrets: %v", err)
	}
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	return list.Items
}

func secretSize(s corev1.Secret) int {
	n := 0
	for _, v := range s.Data {
		n += len(v)
	}
	for _, v := range s.Annotations {
		n += len(v)
	}
	return n
}

// configMapData reads one key of a ConfigMap and whether the key is there.
func configMapData(t testing.TB, ns, name, key string) (string, bool) {
	t.Helper()
	cm, err := env.Client.CoreV1().ConfigMaps(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		return "", false
	}
	v, ok := cm.Data[key]
	return v, ok
}
