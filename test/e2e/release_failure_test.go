package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestAtomicUpgradeFailsFast: an upgrade whose pods crash is stopped as
// soon as the crash shows, not at --timeout, reports the reason and, with
// --atomic, restores the previous revision.
func TestAtomicUpgradeFailsFast(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("basic")
	mustKpkg(t, ns, "install", "app", chart, "--wait")

	for _, flag := range []string{"--atomic", "--rollback-on-failure"} {
		r := failKpkg(t, ns, []string{"CrashLoopBackOff", "Deployment app-web", "rolled back to revision"},
			"upgrade", "app", chart, flag, "--timeout", "5m", "--set", "message=broken",
			"--set-string", `podAnnotations.test\.kpkg\.io/simulate=CrashLoopBackOff`)
		if r.took > time.Minute {
			t.Errorf("%s: the crash was reported after %s; want seconds, far below --timeout 5m", flag, r.took)
		}
		t.Logf("%s: failed and rolled back in %s", flag, r.took.Round(time.Millisecond))
	}
	h := wantHistory(t, ns, "app", "1:superseded 2:failed 3:superseded 4:failed 5:deployed")
	if !strings.Contains(h[1].Description, "CrashLoopBackOff") || h[4].Description != "Rollback to 3" {
		t.Errorf("descriptions: %+v", h)
	}
	if msg, _ := configMapData(t, ns, "app-config", "message"); msg != "hello" {
		t.Errorf("after the atomic rollback message = %q, want hello", msg)
	}
	d, err := env.Client.AppsV1().Deployments(ns).Get(context.Background(), "app-web", metav1.GetOptions{})
	if err != nil || d.Spec.Template.Annotations["test.kpkg.io/simulate"] != "" {
		t.Errorf("the crashing pod template survived the rollback: %v %v", err, d.Spec.Template.Annotations)
	}
}

// TestInstallFailsFastOnImagePull: without --atomic, a failed install is
// recorded as failed, names the reason and leaves the objects for
// inspection.
func TestInstallFailsFastOnImagePull(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	r := kpkg(t, ns, "install", "pull", testChart("basic"), "--wait", "--timeout", "5m",
		"--set-string", `podAnnotations.test\.kpkg\.io/simulate=ErrImagePull`)
	if r.code == 0 || !(strings.Contains(r.stderr, "ErrImagePull") || strings.Contains(r.stderr, "ImagePullBackOff")) {
		t.Fatalf("install with an unpullable image: %s", r)
	}
	if r.took > time.Minute {
		t.Errorf("image pull failure reported after %s", r.took)
	}
	wantHistory(t, ns, "pull", "1:failed")
	if names := listNames(t, ns); names != "pull" {
		t.Errorf("list (deployed and failed) = %q", names)
	}
}

// TestFailingHookJob: a pre-install hook Job that fails fails the install
// with the hook's name and its pod's status; --atomic removes the release.
func TestFailingHookJob(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("basic")
	failKpkg(t, ns, []string{"pre-install hook hook-migrate failed", "Job hook-migrate", "exit code 1"},
		"install", "hook", chart, "--set", "hook.enabled=true,hook.fail=true")
	wantHistory(t, ns, "hook", "1:failed")
	if _, err := env.Client.AppsV1().Deployments(ns).Get(context.Background(), "hook-web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("objects were applied although the pre-install hook failed: %v", err)
	}

	failKpkg(t, ns, []string{"pre-install hook hook2-migrate failed", "uninstalled because the install is atomic"},
		"install", "hook2", chart, "--atomic", "--set", "hook.enabled=true,hook.fail=true")
	if s := releaseSecrets(t, ns, "hook2"); len(s) != 0 {
		t.Errorf("--atomic left revisions: %v", secretNames(s))
	}

	mustKpkg(t, ns, "install", "ok", chart, "--set", "hook.enabled=true")
	job, err := env.Client.BatchV1().Jobs(ns).Get(context.Background(), "ok-migrate", metav1.GetOptions{})
	if err != nil || job.Status.Succeeded != 1 {
		t.Errorf("succeeding hook Job: %v %+v", err, job)
	}
}

// TestOwnershipConflict: a release may not take an object another release
// owns, unless --take-ownership.
func TestOwnershipConflict(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("basic")
	mustKpkg(t, ns, "install", "first", chart)
	failKpkg(t, ns, []string{"ConfigMap first-config", `belongs to release "first"`, `not to release "second"`, "--take-ownership"},
		"install", "second", chart, "--set", "configName=first-config")
	wantHistory(t, ns, "second", "1:failed")
	// A later upgrade of "second" must not delete "first"'s object, which
	// the failed revision named.
	mustKpkg(t, ns, "upgrade", "second", chart, "--reset-values")
	if _, ok := configMapData(t, ns, "first-config", "message"); !ok {
		t.Fatalf("upgrading second deleted first's ConfigMap")
	}
	mustKpkg(t, ns, "upgrade", "second", chart, "--take-ownership", "--set", "configName=first-config,message=mine")
	cm, err := env.Client.CoreV1().ConfigMaps(ns).Get(context.Background(), "first-config", metav1.GetOptions{})
	if err != nil || cm.Annotations["meta.helm.sh/release-name"] != "second" || cm.Data["message"] != "mine" {
		t.Errorf("after --take-ownership: %v %v %v", err, cm.Annotations, cm.Data)
	}
}

// TestFieldConflict: a field another manager owns is a conflict naming the
// field and the manager, unless --force-conflicts.
func TestFieldConflict(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("basic")
	mustKpkg(t, ns, "install", "fc", chart)
	patch := []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fc-config"},"data":{"message":"edited"}}`)
	_, err := env.Client.CoreV1().ConfigMaps(ns).Patch(context.Background(), "fc-config", "application/apply-patch+yaml", patch,
		metav1.PatchOptions{FieldManager: "someone-else", Force: ptr(true)})
	if err != nil {
		t.Fatalf("take the field as another manager: %v", err)
	}
	failKpkg(t, ns, []string{".data.message", "someone-else", "--force-conflicts"}, "upgrade", "fc", chart, "--set", "message=again")
	mustKpkg(t, ns, "upgrade", "fc", chart, "--set", "message=again", "--force-conflicts")
	if msg, _ := configMapData(t, ns, "fc-config", "message"); msg != "again" {
		t.Errorf("after --force-conflicts message = %q", msg)
	}
}

func ptr[T any](v T) *T { return &v }

// TestDryRunServer: --dry-run=server has the API server validate objects
// that a client dry run lets through, and neither stores nor creates
// anything.
func TestDryRunServer(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("basic")
	r := mustKpkg(t, ns, "install", "dry", chart, "--dry-run=server")
	if !strings.Contains(r.stdout, "STATUS: pending-install") || !strings.Contains(r.stdout, "MANIFEST:") || !strings.Contains(r.stdout, "name: dry-config") {
		t.Errorf("server dry run output:\n%s", r.stdout)
	}
	mustKpkg(t, ns, "install", "dry", chart, "--dry-run", "--set", "servicePort=99999")
	failKpkg(t, ns, []string{"Service dry-web", "99999"}, "install", "dry", chart, "--dry-run=server", "--set", "servicePort=99999")
	if s := releaseSecrets(t, ns, "dry"); len(s) != 0 {
		t.Errorf("dry runs stored revisions: %v", secretNames(s))
	}
	if _, err := env.Client.CoreV1().ConfigMaps(ns).Get(context.Background(), "dry-config", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("a dry run created objects: %v", err)
	}
}
