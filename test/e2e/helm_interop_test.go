package e2e

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestHelmInstallKpkgOperates: a release Helm installed (with a hook and a
// test hook) is listed, shown and read by kpkg; kpkg upgrades it dropping a
// field Helm had set, and the field is gone live; Helm rolls back; both
// tools show the same three revisions.
func TestHelmInstallKpkgOperates(t *testing.T) {
	forEachHelm(t, func(t *testing.T, h helmBin) {
		ns := env.Namespace(t)
		chart := testChart("basic")
		h.must(t, ns, nil, "install", "hr", chart, "--set", "note=from-helm,hook.enabled=true", "--wait")

		if got := listNames(t, ns); got != "hr" {
			t.Errorf("kpkg list = %q, want hr", got)
		}
		wantHistory(t, ns, "hr", "1:deployed")
		status := mustKpkg(t, ns, "status", "hr", "--show-resources").stdout
		for _, want := range []string{"STATUS: deployed", "REVISION: 1", "hr-config"} {
			if !strings.Contains(status, want) {
				t.Errorf("kpkg status lacks %q:\n%s", want, status)
			}
		}
		if vals := mustKpkg(t, ns, "get", "values", "hr").stdout; !strings.Contains(vals, "note: from-helm") {
			t.Errorf("kpkg get values:\n%s", vals)
		}
		if all := mustKpkg(t, ns, "get", "values", "hr", "--all").stdout; !strings.Contains(all, "message: hello") {
			t.Errorf("kpkg get values --all lacks the chart's defaults:\n%s", all)
		}
		if hooks := mustKpkg(t, ns, "get", "hooks", "hr").stdout; !strings.Contains(hooks, "hr-migrate") || !strings.Contains(hooks, "hr-smoke-test") {
			t.Errorf("kpkg get hooks:\n%s", hooks)
		}
		ours, theirs := mustKpkg(t, ns, "get", "manifest", "hr").stdout, h.must(t, ns, nil, "get", "manifest", "hr").stdout
		if ours != theirs {
			t.Errorf("get manifest differs:\nkpkg:\n%s\nhelm:\n%s", ours, theirs)
		}
		mustKpkg(t, ns, "test", "hr")

		mustKpkg(t, ns, "upgrade", "hr", chart, "--set", "hook.enabled=true", "--wait")
		if note, ok := configMapData(t, ns, "hr-config", "note"); ok {
			t.Errorf("data.note (%q), which Helm set and the upgrade no longer renders, is still live", note)
		}
		h.must(t, ns, nil, "rollback", "hr", "1", "--wait")
		if note, _ := configMapData(t, ns, "hr-config", "note"); note != "from-helm" {
			t.Errorf("after Helm's rollback note = %q, want from-helm", note)
		}
		if got := sameHistory(t, h, ns, nil, "hr"); got != "1:superseded 2:superseded 3:deployed" {
			t.Errorf("history = %s", got)
		}
		mustKpkg(t, ns, "uninstall", "hr")
		if out := h.must(t, ns, nil, "list", "-q").stdout; strings.TrimSpace(out) != "" {
			t.Errorf("helm still lists %q after kpkg's uninstall", out)
		}
	})
}

// TestKpkgInstallHelmOperates: a release kpkg installed is read by Helm,
// upgraded by Helm with --reuse-values (values kept), rolled back by kpkg;
// both tools show the same history, and Helm uninstalls it.
func TestKpkgInstallHelmOperates(t *testing.T) {
	forEachHelm(t, func(t *testing.T, h helmBin) {
		ns := env.Namespace(t)
		chart := testChart("basic")
		mustKpkg(t, ns, "install", "kr", chart, "--set", "message=from-kpkg", "--labels", "team=blue", "--wait")

		if out := h.must(t, ns, nil, "list", "-q").stdout; strings.TrimSpace(out) != "kr" {
			t.Errorf("helm list = %q, want kr", out)
		}
		if out := h.must(t, ns, nil, "status", "kr").stdout; !strings.Contains(out, "STATUS: deployed") {
			t.Errorf("helm status:\n%s", out)
		}
		if all := h.must(t, ns, nil, "get", "values", "kr", "--all").stdout; !strings.Contains(all, "message: from-kpkg") || !strings.Contains(all, "replicas: 1") {
			t.Errorf("helm get values --all:\n%s", all)
		}
		if ours, theirs := mustKpkg(t, ns, "get", "manifest", "kr").stdout, h.must(t, ns, nil, "get", "manifest", "kr").stdout; ours != theirs {
			t.Errorf("get manifest differs:\nkpkg:\n%s\nhelm:\n%s", ours, theirs)
		}

		h.must(t, ns, nil, "upgrade", "kr", chart, "--reuse-values", "--set", "replicas=2", "--wait")
		if msg, _ := configMapData(t, ns, "kr-config", "message"); msg != "from-kpkg" {
			t.Errorf("after helm upgrade --reuse-values message = %q, want from-kpkg", msg)
		}
		wantReplicas(t, ns, map[string]int32{"kr-web": 2})
		if rev, _ := configMapData(t, ns, "kr-config", "revision"); rev != "2" {
			t.Errorf("Helm's upgrade rendered revision %q, want 2: the revision numbers do not continue", rev)
		}

		mustKpkg(t, ns, "rollback", "kr", "1", "--wait")
		wantReplicas(t, ns, map[string]int32{"kr-web": 1})
		if got := sameHistory(t, h, ns, nil, "kr"); got != "1:superseded 2:superseded 3:deployed" {
			t.Errorf("history = %s", got)
		}
		h.must(t, ns, nil, "uninstall", "kr")
		failKpkg(t, ns, []string{"not found"}, "status", "kr")
	})
}

// TestHelmAndKpkgLocks: a kpkg upgrade in progress shows as pending to
// Helm, whose upgrade refuses; a Helm killed in pending-upgrade leaves a
// revision kpkg refuses to touch at once, with a clear message, and
// recovers with --recover-pending.
func TestHelmAndKpkgLocks(t *testing.T) {
	forEachHelm(t, func(t *testing.T, h helmBin) {
		ns := env.Namespace(t)
		chart := testChart("basic")
		mustKpkg(t, ns, "install", "lk", chart)

		stop := startSlowUpgrade(t, ns, "lk", 2)
		r := h.run(t, ns, nil, "upgrade", "lk", chart, "--set", "message=helm")
		if r.code == 0 || !strings.Contains(r.stderr, "another operation (install/upgrade/rollback) is in progress") {
			t.Errorf("helm upgrade during kpkg's upgrade: %s", r)
		}
		stop(syscall.SIGINT)
		wantHistory(t, ns, "lk", "1:deployed 2:failed")

		// Helm dies in the middle of an upgrade.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cmd, _, _ := h.cmd(ctx, ns, nil, "upgrade", "lk", chart, "--wait", "--timeout", "10m", "--set", "minReadySeconds=500,serviceType=LoadBalancer,message=slow")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 60*time.Second, "helm's revision 3 stored as pending-upgrade", func() bool {
			s, err := env.Client.CoreV1().Secrets(ns).Get(context.Background(), "sh.helm.release.v1.lk.v3", metav1.GetOptions{})
			return err == nil && s.Labels["status"] == "pending-upgrade"
		})
		_ = cmd.Process.Kill()
		_ = cmd.Wait()

		failKpkg(t, ns, []string{"pending-upgrade at revision 3", "another tool", "--recover-pending"}, "upgrade", "lk", chart)
		mustKpkg(t, ns, "upgrade", "lk", chart, "--recover-pending", "--set", "message=recovered")
		if got := sameHistory(t, h, ns, nil, "lk"); got != "1:superseded 2:failed 3:failed 4:deployed" {
			t.Errorf("history after recovery = %s", got)
		}
		h.must(t, ns, nil, "upgrade", "lk", chart, "--set", "message=helm-again")
		if msg, _ := configMapData(t, ns, "lk-config", "message"); msg != "helm-again" {
			t.Errorf("Helm's upgrade after the recovery left message %q", msg)
		}
	})
}

// TestHelmStorageModes: HELM_DRIVER=configmap is honoured by both tools;
// an uninstall --keep-history by one is seen by the other, and
// --history-max prunes revisions whichever tool wrote them.
func TestHelmStorageModes(t *testing.T) {
	forEachHelm(t, func(t *testing.T, h helmBin) {
		ns := env.Namespace(t)
		chart := testChart("basic")
		cm := []string{"HELM_DRIVER=configmap"}
		h.must(t, ns, cm, "install", "cd", chart)
		if r := kpkgEnv(t, ns, cm, "upgrade", "cd", chart, "--set", "message=kpkg"); r.code != 0 {
			t.Fatalf("kpkg upgrade with HELM_DRIVER=configmap: %s", r)
		}
		if _, err := env.Client.CoreV1().ConfigMaps(ns).Get(context.Background(), "sh.helm.release.v1.cd.v2", metav1.GetOptions{}); err != nil {
			t.Errorf("kpkg did not store revision 2 as a ConfigMap: %v", err)
		}
		if s := releaseSecrets(t, ns, "cd"); len(s) != 0 {
			t.Errorf("HELM_DRIVER=configmap stored Secrets: %v", secretNames(s))
		}
		if r := kpkgEnv(t, ns, cm, "uninstall", "cd", "--keep-history"); r.code != 0 {
			t.Fatalf("kpkg uninstall --keep-history: %s", r)
		}
		if got := sameHistory(t, h, ns, cm, "cd"); got != "1:superseded 2:uninstalled" {
			t.Errorf("history after kpkg's uninstall --keep-history = %s", got)
		}

		// Helm's uninstall --keep-history, seen by kpkg, then rolled back by kpkg.
		h.must(t, ns, nil, "install", "ku", chart)
		h.must(t, ns, nil, "uninstall", "ku", "--keep-history")
		wantHistory(t, ns, "ku", "1:uninstalled")
		mustKpkg(t, ns, "rollback", "ku", "1")
		if got := sameHistory(t, h, ns, nil, "ku"); got != "1:uninstalled 2:deployed" {
			t.Errorf("history after kpkg's rollback of Helm's uninstalled release = %s", got)
		}

		// --history-max counts every revision, whoever wrote it.
		for _, msg := range []string{"a", "b", "c"} {
			h.must(t, ns, nil, "upgrade", "ku", chart, "--history-max", "0", "--set", "message="+msg)
		}
		mustKpkg(t, ns, "upgrade", "ku", chart, "--history-max", "3", "--set", "message=d")
		if got := sameHistory(t, h, ns, nil, "ku"); got != "4:superseded 5:superseded 6:deployed" {
			t.Errorf("after kpkg's upgrade --history-max 3: %s", got)
		}
		h.must(t, ns, nil, "upgrade", "ku", chart, "--history-max", "2", "--set", "message=e")
		if got := sameHistory(t, h, ns, nil, "ku"); got != "6:superseded 7:deployed" {
			t.Errorf("after Helm's upgrade --history-max 2: %s", got)
		}
	})
}

// TestHugeRevisionWithHelm: a revision too large for one Secret is stored
// by kpkg in parts and said so; Helm lists it and shows its history, and
// refuses to upgrade from it without writing anything; kpkg rolls back to
// it and upgrades from it.
func TestHugeRevisionWithHelm(t *testing.T) {
	forEachHelm(t, func(t *testing.T, h helmBin) {
		ns := env.Namespace(t)
		chart := testChart("big")
		r := mustKpkg(t, ns, "install", "big", chart)
		if !strings.Contains(r.stderr, "Helm lists and shows it but cannot upgrade from it") {
			t.Errorf("kpkg did not say Helm cannot operate revision 1: %s", r)
		}
		blob1 := liveBlob(t, ns)
		if out := h.must(t, ns, nil, "list", "-q").stdout; strings.TrimSpace(out) != "big" {
			t.Errorf("helm list = %q", out)
		}
		if out := h.must(t, ns, nil, "get", "manifest", "big").stdout; !strings.Contains(out, "kind: ExternalReleasePayload") {
			t.Errorf("helm get manifest does not show the stand-in:\n%.500s", out)
		}
		bad := h.run(t, ns, nil, "upgrade", "big", chart)
		if bad.code == 0 || !strings.Contains(bad.stderr, "ExternalReleasePayload") {
			t.Errorf("helm upgrade from a revision in parts: %s", bad)
		}
		wantHistory(t, ns, "big", "1:deployed")

		mustKpkg(t, ns, "upgrade", "big", chart)
		if liveBlob(t, ns) == blob1 {
			t.Fatal("kpkg's upgrade did not change the data")
		}
		mustKpkg(t, ns, "rollback", "big", "1")
		if liveBlob(t, ns) != blob1 {
			t.Errorf("kpkg's rollback to revision 1 did not restore its data")
		}
		if got := sameHistory(t, h, ns, nil, "big"); got != "1:superseded 2:superseded 3:deployed" {
			t.Errorf("history = %s", got)
		}
		mustKpkg(t, ns, "uninstall", "big")
		if s := releaseSecrets(t, ns, "big"); len(s) != 0 {
			t.Errorf("uninstall left %v", secretNames(s))
		}
	})
}
