package release

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kpkg/kpkg/pkg/release/storage"
)

func TestUpgrade(t *testing.T) {
	e := newTestEnv(t)
	e.install("web", map[string]any{"extra": true})
	if e.configMap("web-extra") == nil {
		t.Fatal("web-extra was not installed")
	}
	rel, err := e.upgrade("web", map[string]any{"message": "bye"}, UpgradeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rel.Version != 2 || e.statuses("web") != "1:superseded 2:deployed" {
		t.Errorf("after upgrade: revision %d, history %s", rel.Version, e.statuses("web"))
	}
	if cm := e.configMap("web-config"); cm["message"] != "bye" || cm["revision"] != "2" {
		t.Errorf("web-config = %v", cm)
	}
	if e.configMap("web-extra") != nil {
		t.Errorf("web-extra, no longer rendered, survived the upgrade")
	}
	if _, err := e.upgrade("nope", nil, UpgradeOptions{}); !errors.As(err, new(*NotDeployedError)) {
		t.Errorf("upgrade of a missing release = %v", err)
	}
	if rel, err := e.upgrade("fresh", nil, UpgradeOptions{Install: true}); err != nil || rel.Version != 1 {
		t.Errorf("upgrade --install = %v", err)
	}
}

func TestUpgradeReuseValuesAndHistoryMax(t *testing.T) {
	e := newTestEnv(t)
	e.install("web", map[string]any{"message": "kept"})
	for i := 0; i < 4; i++ {
		if _, err := e.upgrade("web", nil, UpgradeOptions{ValueMode: ValuesReuse, HistoryMax: 3}); err != nil {
			t.Fatal(err)
		}
	}
	if cm := e.configMap("web-config"); cm["message"] != "kept" {
		t.Errorf("--reuse-values lost the value: %v", cm)
	}
	if got := e.statuses("web"); got != "3:superseded 4:superseded 5:deployed" {
		t.Errorf("history after --history-max 3 = %s", got)
	}
}

// An object another release owns fails the upgrade; with Atomic the
// release is rolled back to the deployed revision.
func TestUpgradeAtomicRollsBack(t *testing.T) {
	e := newTestEnv(t)
	e.install("other", nil)
	e.install("web", nil)
	_, err := e.upgrade("web", map[string]any{"configName": "other-config"}, UpgradeOptions{Atomic: true, Timeout: 10 * time.Second})
	if err == nil {
		t.Fatal("an upgrade onto another release's object succeeded")
	}
	if got := e.statuses("web"); got != "1:superseded 2:failed 3:deployed" {
		t.Errorf("history after the atomic rollback = %s (%v)", got, err)
	}
	if cm := e.configMap("other-config"); cm["message"] != "hello" {
		t.Errorf("the other release's ConfigMap was changed: %v", cm)
	}
}

// A revision another tool left pending is refused while recent, and
// marked failed with RecoverPending; one a kpkg operation left is
// recovered at once.
func TestPendingRevisions(t *testing.T) {
	e := newTestEnv(t)
	rel := e.install("web", nil)
	stuck := *rel
	stuck.Version, stuck.Info = 2, &Info{Status: StatusPendingUpgrade, Description: "Preparing upgrade", LastDeployed: now()}
	if _, err := e.cfg.Store.Driver.Create(context.Background(), &stuck, storage.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var pending *PendingError
	if _, err := e.upgrade("web", nil, UpgradeOptions{}); !errors.As(err, &pending) || pending.Version != 2 {
		t.Fatalf("upgrade over Helm's pending revision = %v", err)
	}
	e.cfg.RecoverPending = true
	if _, err := e.upgrade("web", nil, UpgradeOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := e.statuses("web"); got != "1:superseded 2:failed 3:deployed" {
		t.Errorf("history = %s", got)
	}

	e.cfg.RecoverPending = false
	mine := *rel
	mine.Version, mine.Info = 4, &Info{Status: StatusPendingUpgrade, Description: "Preparing upgrade", LastDeployed: now()}
	if _, err := e.cfg.Store.Create(context.Background(), &mine, e.cfg.operationAnnotations("upgrade")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.upgrade("web", nil, UpgradeOptions{}); err != nil {
		t.Fatalf("upgrade over a dead kpkg operation's revision = %v", err)
	}
	if got := e.statuses("web"); got != "1:superseded 2:failed 3:superseded 4:failed 5:deployed" {
		t.Errorf("history = %s", got)
	}
}
