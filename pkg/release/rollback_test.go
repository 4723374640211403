package release

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/release/storage/helmv1"
)

func TestRollback(t *testing.T) {
	e := newTestEnv(t)
	e.install("web", map[string]any{"message": "one", "extra": true})
	if _, err := e.upgrade("web", map[string]any{"message": "two"}, UpgradeOptions{}); err != nil {
		t.Fatal(err)
	}
	rel, err := Rollback(context.Background(), e.cfg, "web", RollbackOptions{Namespace: testNS, Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rel.Version != 3 || rel.Info.Description != "Rollback to 1" || e.statuses("web") != "1:superseded 2:superseded 3:deployed" {
		t.Errorf("rollback: revision %d %q, history %s", rel.Version, rel.Info.Description, e.statuses("web"))
	}
	if cm := e.configMap("web-config"); cm["message"] != "one" || e.configMap("web-extra") == nil {
		t.Errorf("after rollback web-config = %v, web-extra %v", cm, e.configMap("web-extra"))
	}
	if _, err := Rollback(context.Background(), e.cfg, "web", RollbackOptions{Namespace: testNS, Version: 9}); !errors.As(err, new(*RevisionNotFoundError)) {
		t.Errorf("rollback to a missing revision = %v", err)
	}
}

// When the current revision's record is damaged, rollback to an older one
// still works and replaces the damaged record by a superseded summary.
func TestRollbackOverDamagedRevision(t *testing.T) {
	e := newTestEnv(t)
	e.install("web", map[string]any{"message": "one"})
	if _, err := e.upgrade("web", map[string]any{"message": "two"}, UpgradeOptions{}); err != nil {
		t.Fatal(err)
	}
	corruptSecret(t, e, "web", 2)
	hist, err := History(context.Background(), e.cfg, testNS, "web", 0)
	if err != nil || !IsDamaged(hist[1]) || !strings.Contains(hist[1].Info.Description, "sh.helm.release.v1.web.v2") {
		t.Fatalf("history does not name the damaged revision: %v %v", err, hist[1].Info)
	}
	if _, err := Rollback(context.Background(), e.cfg, "web", RollbackOptions{Namespace: testNS, Version: 1}); err != nil {
		t.Fatalf("rollback over a damaged revision: %v", err)
	}
	if cm := e.configMap("web-config"); cm["message"] != "one" {
		t.Errorf("web-config = %v", cm)
	}
	if got := e.statuses("web"); got != "1:superseded 2:superseded 3:deployed" {
		t.Errorf("history = %s", got)
	}
}

func corruptSecret(t *testing.T, e *testEnv, name string, version int) {
	t.Helper()
	secrets := e.core().CoreV1().Secrets(testNS)
	s, err := secrets.Get(context.Background(), helmv1.ObjectName(name, version), metav1GetOptions)
	if err != nil {
		t.Fatal(err)
	}
	s.Data["release"] = []byte("H4sIAAAAAAAA/////")
	if _, err := secrets.Update(context.Background(), s, metav1UpdateOptions); err != nil {
		t.Fatal(err)
	}
}
