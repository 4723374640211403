package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kpkg/kpkg/test/e2e/harness"
)

// genChart writes a chart of n objects: a third each of ConfigMaps,
// Services and one-replica Deployments; rev is in every ConfigMap and pod
// template, so changing it rolls every Deployment.
func genChart(t testing.TB, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "gen")
	deployments := n / 3
	files := map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: gen\nversion: 1.0.0\n",
		"values.yaml": fmt.Sprintf("configMaps: %d\nservices: %d\ndeployments: %d\nrev: \"1\"\n", n-2*deployments, deployments, deployments),
		"templates/all.yaml": `{{- range $i := until (int .Values.configMaps) }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-{{ $i }}
data:
  rev: {{ $.Values.rev | quote }}
{{- end }}
{{- range $i := until (int .Values.services) }}
---
apiVersion: v1
kind: Service
metadata:
  name: svc-{{ $i }}
spec:
  selector:
    app: app-{{ $i }}
  ports:
  - port: 80
{{- end }}
{{- range $i := until (int .Values.deployments) }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{{ $i }}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: app-{{ $i }}
  template:
    metadata:
      labels:
        app: app-{{ $i }}
      annotations:
        rev: {{ $.Values.rev | quote }}
    spec:
      containers:
      - name: app
        image: registry.invalid/app:1
{{- end }}
`,
	}
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// kpkgVia prepares kpkg args against the cluster that kubeconfig names
// (a proxy's), in namespace ns.
func kpkgVia(t testing.TB, ctx context.Context, kubeconfig, ns string, args ...string) (*exec.Cmd, *strings.Builder, *strings.Builder) {
	full := append(append([]string{}, args...), "--kubeconfig", kubeconfig, "--namespace", ns)
	cmd := exec.CommandContext(ctx, kpkgBinary(t), full...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// waitPending returns once revision rev of release name is stored as
// pending-upgrade: the upgrade is about to apply its objects.
func waitPending(t *testing.T, ns, name string, rev int) {
	t.Helper()
	secret := fmt.Sprintf("sh.helm.release.v1.%s.v%d", name, rev)
	waitFor(t, 2*time.Minute, secret+" stored as pending-upgrade", func() bool {
		s, err := env.Client.CoreV1().Secrets(ns).Get(context.Background(), secret, metav1.GetOptions{})
		return err == nil && s.Labels["status"] == "pending-upgrade"
	})
}

// wantLeaseReleased fails unless the release's lease is gone.
func wantLeaseReleased(t *testing.T, ns, name string) {
	t.Helper()
	_, err := env.Client.CoordinationV1().Leases(ns).Get(context.Background(), "kpkg.release."+name, metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("the lease of release %s is still there after the command ended (get: %v)", name, err)
	}
}

// wantCleanOutcome checks what an upgrade interrupted by the server going
// away left: success, or one clear error and a failed (or still pending)
// revision; the lease released either way; and the next upgrade runs at
// once, without taking the lock over, leaving a clean history.
func wantCleanOutcome(t *testing.T, ns, name, chart string, r result) {
	t.Helper()
	t.Logf("interrupted upgrade: exit %d after %s", r.code, r.took.Round(time.Millisecond))
	wantLeaseReleased(t, ns, name)
	final := "1:superseded 2:superseded 3:deployed"
	if r.code == 0 {
		wantHistory(t, ns, name, "1:superseded 2:deployed")
	} else {
		t.Logf("its error:\n%s", r.stderr)
		final = "1:superseded 2:failed 3:deployed"
		errLines := 0
		for _, line := range strings.Split(r.stderr, "\n") {
			if strings.HasPrefix(line, "Error:") {
				errLines++
			}
		}
		if errLines != 1 || strings.Count(r.stderr, "connection refused") > 1 {
			t.Errorf("want one clear error message, got:\n%s", r.stderr)
		}
		// Failed, or pending if the server was still away when kpkg gave
		// up recording the failure: the next operation marks it failed.
		if h := history(t, ns, name); h[len(h)-1].Status != "failed" && h[len(h)-1].Status != "pending-upgrade" {
			t.Errorf("after the failed upgrade history = %q, want the new revision failed or pending", statuses(h))
		}
	}
	next := kpkg(t, ns, "upgrade", name, chart, "--wait", "--set", "rev=3")
	if next.code != 0 {
		t.Fatalf("the next upgrade: %s", next)
	}
	if strings.Contains(next.stderr, "took over the lock") {
		t.Errorf("the next upgrade had to take the lock over from the interrupted one:\n%s", next.stderr)
	}
	t.Logf("the next upgrade took %s", next.took.Round(time.Millisecond))
	wantHistory(t, ns, name, final)
}

// TestUpgradeThroughSlowAPIServer: with 200 ms added to every request, an
// upgrade of 300 objects (rolling 100 Deployments) succeeds and releases
// its lease.
func TestUpgradeThroughSlowAPIServer(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := genChart(t, 300)
	mustKpkg(t, ns, "install", "slow", chart, "--wait")
	p := env.Proxy(t)
	p.SetLatency(200 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd, stdout, stderr := kpkgVia(t, ctx, p.Kubeconfig, ns, "upgrade", "slow", chart, "--wait", "--set", "rev=2")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := finish(t, cmd, stdout, stderr, start)
	if r.code != 0 {
		t.Fatalf("upgrade with 200 ms per request: %s", r)
	}
	t.Logf("upgrade of 300 objects with 200 ms per request took %s", r.took.Round(time.Millisecond))
	wantHistory(t, ns, "slow", "1:superseded 2:deployed")
	wantLeaseReleased(t, ns, "slow")
}

// TestUpgradeThroughDroppedConnections: every connection to the API
// server is cut and refused for a while just as an upgrade applies its
// objects; the upgrade completes (or fails with one clear message), the
// lease is released, and the next upgrade starts at once. For 5 s the
// upgrade waits and completes; for 30 s (longer than the lock can go
// unrenewed) it must stop, with one message, and leave the revision failed.
func TestUpgradeThroughDroppedConnections(t *testing.T) {
	for _, tt := range []struct {
		down    time.Duration
		succeed bool
	}{{5 * time.Second, true}, {30 * time.Second, false}} {
		t.Run(tt.down.String(), func(t *testing.T) {
			t.Parallel()
			ns := env.Namespace(t)
			chart := genChart(t, 300)
			mustKpkg(t, ns, "install", "drop", chart, "--wait")
			p := env.Proxy(t)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd, stdout, stderr := kpkgVia(t, ctx, p.Kubeconfig, ns, "upgrade", "drop", chart, "--wait", "--set", "rev=2")
			start := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitPending(t, ns, "drop", 2)
			p.Drop(tt.down)
			r := finish(t, cmd, stdout, stderr, start)
			if (r.code == 0) != tt.succeed {
				t.Errorf("with the server away for %s the upgrade exited %d, want success %v:\n%s", tt.down, r.code, tt.succeed, r.stderr)
			}
			wantCleanOutcome(t, ns, "drop", chart, r)
		})
	}
}

// TestAPIServerRestartMidUpgrade: the API server is restarted (SIGTERM,
// started again 2 s later) just as an upgrade applies its objects; the
// upgrade completes (or fails with one clear message), the lease is
// released, and the next upgrade starts at once. Not parallel: every
// other test would see the server go away.
func TestAPIServerRestartMidUpgrade(t *testing.T) {
	ns := env.Namespace(t)
	chart := genChart(t, 300)
	mustKpkg(t, ns, "install", "restart", chart, "--wait")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd, stdout, stderr := kpkgCmd(t, ctx, ns, "upgrade", "restart", chart, "--wait", "--set", "rev=2")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitPending(t, ns, "restart", 2)
	began := time.Now()
	if err := env.RestartAPIServer(ctx, 2*time.Second); errors.Is(err, harness.ErrNotOurCluster) {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Skip(err)
	} else if err != nil {
		t.Fatalf("restart the API server: %v", err)
	}
	t.Logf("the API server was away for %s", time.Since(began).Round(time.Millisecond))
	wantCleanOutcome(t, ns, "restart", chart, finish(t, cmd, stdout, stderr, start))
}
