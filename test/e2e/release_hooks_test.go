package e2e

import (
	"testing"
	"time"
)

// TestRollbackAndDeleteHooks: rollback runs the pre- and post-rollback
// hooks of the revision it restores, uninstall runs the pre- and
// post-delete hooks, and hook objects outlive the release, as in Helm.
func TestRollbackAndDeleteHooks(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("lifecycle-hooks")
	mustKpkg(t, ns, "install", "h", chart)
	mustKpkg(t, ns, "upgrade", "h", chart, "--set", "message=two")
	events := []string{"pre-rollback", "post-rollback", "pre-delete", "post-delete"}
	for _, ev := range events {
		if _, ok := configMapData(t, ns, "h-"+ev, "event"); ok {
			t.Fatalf("the %s hook ran during install or upgrade", ev)
		}
	}

	mustKpkg(t, ns, "rollback", "h", "1")
	for _, ev := range events[:2] {
		if msg, ok := configMapData(t, ns, "h-"+ev, "message"); !ok || msg != "one" {
			t.Errorf("%s hook: ran %v, message %q; want the hook of revision 1 (message one)", ev, ok, msg)
		}
	}
	if _, ok := configMapData(t, ns, "h-pre-delete", "event"); ok {
		t.Errorf("the pre-delete hook ran during rollback")
	}

	mustKpkg(t, ns, "uninstall", "h")
	for _, ev := range events[2:] {
		if msg, ok := configMapData(t, ns, "h-"+ev, "message"); !ok || msg != "one" {
			t.Errorf("%s hook: ran %v, message %q; want the hook of the running revision (message one)", ev, ok, msg)
		}
	}
	if _, ok := configMapData(t, ns, "h-data", "message"); ok {
		t.Errorf("uninstall left the release's ConfigMap")
	}
}

// TestCleanupOnFail: a failed upgrade with --cleanup-on-fail deletes the
// objects it created and leaves those of the deployed revision.
func TestCleanupOnFail(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("basic")
	mustKpkg(t, ns, "install", "c", chart, "--wait")
	r := failKpkg(t, ns, []string{"CrashLoopBackOff", "Deployment c-web"},
		"upgrade", "c", chart, "--wait", "--timeout", "5m", "--cleanup-on-fail", "--set", "extra=true",
		"--set-string", `podAnnotations.test\.kpkg\.io/simulate=CrashLoopBackOff`)
	if r.took > time.Minute {
		t.Errorf("the crash was reported after %s", r.took)
	}
	wantHistory(t, ns, "c", "1:deployed 2:failed")
	if _, ok := configMapData(t, ns, "c-extra", "extra"); ok {
		t.Errorf("--cleanup-on-fail left c-extra, which the failed upgrade created")
	}
	if _, ok := configMapData(t, ns, "c-config", "message"); !ok {
		t.Errorf("--cleanup-on-fail deleted c-config, which the deployed revision has")
	}
}
