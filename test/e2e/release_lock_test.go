package e2e

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// startSlowUpgrade starts `kpkg upgrade --wait` of a Deployment that will
// not become available within the test (minReadySeconds 500, below the
// default progress deadline of 600) and returns once its revision (rev) is
// stored as pending-upgrade.
func startSlowUpgrade(t *testing.T, ns, name string, rev int) (stop func(syscall.Signal) result) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd, stdout, stderr := kpkgCmd(t, ctx, ns, "upgrade", name, testChart("basic"), "--wait", "--timeout", "10m",
		"--set", "minReadySeconds=500,message=slow")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	secret := fmt.Sprintf("sh.helm.release.v1.%s.v%d", name, rev)
	waitFor(t, 60*time.Second, secret+" stored as pending-upgrade", func() bool {
		s, err := env.Client.CoreV1().Secrets(ns).Get(context.Background(), secret, metav1.GetOptions{})
		return err == nil && s.Labels["status"] == "pending-upgrade"
	})
	return func(sig syscall.Signal) result {
		start := time.Now()
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start), code: cmd.ProcessState.ExitCode()}
		if err == nil {
			t.Fatalf("kpkg upgrade exited 0 after signal %v: %s", sig, r)
		}
		return r
	}
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestKilledUpgradeIsTakenOver: after SIGKILL in the middle of an upgrade
// the release is locked only until the lease expires; the next upgrade then
// marks the interrupted revision failed and succeeds, with no manual step.
func TestKilledUpgradeIsTakenOver(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("basic")
	mustKpkg(t, ns, "install", "kill", chart, "--wait")
	startSlowUpgrade(t, ns, "kill", 2)(syscall.SIGKILL)
	killed := time.Now()
	if h := history(t, ns, "kill"); statuses(h) != "1:deployed 2:pending-upgrade" {
		t.Fatalf("after SIGKILL history = %q; the upgrade was not in progress when killed", statuses(h))
	}

	failKpkg(t, ns, []string{"another operation (upgrade) is in progress on release kill", "held by", "pid"},
		"upgrade", "kill", chart, "--set", "message=next")
	var r result
	for {
		r = kpkg(t, ns, "upgrade", "kill", chart, "--set", "message=next", "--wait")
		if r.code == 0 || !strings.Contains(r.stderr, "another operation") || time.Since(killed) > 90*time.Second {
			break
		}
		time.Sleep(2 * time.Second)
	}
	if r.code != 0 {
		t.Fatalf("upgrade after the lease expiry: %s", r)
	}
	waited := time.Since(killed) - r.took
	t.Logf("the release was free again %s after SIGKILL", waited.Round(time.Second))
	if waited > 45*time.Second {
		t.Errorf("a dead holder blocked the release for %s; the lease is 30s", waited)
	}
	if !strings.Contains(r.stderr, "took over the lock") {
		t.Errorf("the takeover was not reported:\n%s", r.stderr)
	}
	h := wantHistory(t, ns, "kill", "1:superseded 2:failed 3:deployed")
	if !strings.Contains(h[1].Description, "interrupted") {
		t.Errorf("revision 2's description = %q, want it to say it was interrupted", h[1].Description)
	}
}

// TestSignalledUpgradeCleansUp: SIGTERM and SIGINT end an upgrade with the
// revision marked failed and the lock released, so the next upgrade starts
// at once.
func TestSignalledUpgradeCleansUp(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("basic")
	mustKpkg(t, ns, "install", "sig", chart, "--wait")
	for i, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		r := startSlowUpgrade(t, ns, "sig", 2+2*i)(sig)
		if r.took > 20*time.Second {
			t.Errorf("%v: kpkg took %s to exit", sig, r.took)
		}
		h := history(t, ns, "sig")
		if last := h[len(h)-1]; last.Status != "failed" || !strings.Contains(last.Description, sig.String()+" signal received") {
			t.Fatalf("%v: the interrupted revision is %s (%q), want failed by the signal", sig, last.Status, last.Description)
		}
		mustKpkg(t, ns, "upgrade", "sig", chart, "--wait")
	}
	wantHistory(t, ns, "sig", "1:superseded 2:failed 3:superseded 4:failed 5:deployed")
}

// TestConcurrentUpgrades: of two upgrades started together exactly one
// runs; the other fails at once naming the holder, and history has no gap.
func TestConcurrentUpgrades(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("basic")
	mustKpkg(t, ns, "install", "race", chart, "--wait")
	results := make(chan result, 2)
	for _, msg := range []string{"left", "right"} {
		go func() {
			results <- kpkg(t, ns, "upgrade", "race", chart, "--wait", "--set", "minReadySeconds=5,message="+msg)
		}()
	}
	a, b := <-results, <-results
	if (a.code == 0) == (b.code == 0) {
		t.Fatalf("want exactly one upgrade to succeed:\nfirst: %s\nsecond: %s", a, b)
	}
	loser := a
	if a.code == 0 {
		loser = b
	}
	for _, want := range []string{"another operation (upgrade) is in progress on release race", "held by", "since"} {
		if !strings.Contains(loser.stderr, want) {
			t.Errorf("the losing upgrade's error lacks %q: %s", want, loser)
		}
	}
	if loser.took > 30*time.Second {
		t.Errorf("the losing upgrade took %s to fail; it should fail at once", loser.took)
	}
	wantHistory(t, ns, "race", "1:superseded 2:deployed")
}
