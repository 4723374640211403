package release

import (
	"context"
	"errors"
	"testing"
)

func TestUninstall(t *testing.T) {
	e := newTestEnv(t)
	e.install("web", map[string]any{"extra": true})
	res, err := Uninstall(context.Background(), e.cfg, testNS, "web", UninstallOptions{KeepHistory: true})
	if err != nil || res.Release.Info.Status != StatusUninstalled {
		t.Fatalf("uninstall --keep-history = %v", err)
	}
	if e.configMap("web-config") != nil || e.configMap("web-extra") != nil {
		t.Errorf("objects survived the uninstall")
	}
	if got := e.statuses("web"); got != "1:uninstalled" {
		t.Errorf("history = %s", got)
	}
	if _, err := Uninstall(context.Background(), e.cfg, testNS, "web", UninstallOptions{KeepHistory: true}); !errors.As(err, new(*AlreadyUninstalledError)) {
		t.Errorf("second uninstall --keep-history = %v", err)
	}
	// Installing the name again continues the revision numbers.
	if rel := e.install("web", nil); rel.Version != 2 {
		t.Errorf("reinstall is revision %d, want 2", rel.Version)
	}
	if _, err := Uninstall(context.Background(), e.cfg, testNS, "web", UninstallOptions{Cascade: "sideways"}); err == nil {
		t.Error("uninstall --cascade sideways succeeded")
	}
	if _, err := Uninstall(context.Background(), e.cfg, testNS, "web", UninstallOptions{Cascade: "orphan"}); err != nil {
		t.Fatal(err)
	}
	if _, err := History(context.Background(), e.cfg, testNS, "web", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("uninstall kept the history: %v", err)
	}
}

// A release whose current revision is damaged is uninstalled from the
// newest revision that can be read.
func TestUninstallDamagedRelease(t *testing.T) {
	for _, keep := range []bool{false, true} {
		e := newTestEnv(t)
		e.install("web", nil)
		if _, err := e.upgrade("web", map[string]any{"message": "two"}, UpgradeOptions{}); err != nil {
			t.Fatal(err)
		}
		corruptSecret(t, e, "web", 2)
		if _, err := Uninstall(context.Background(), e.cfg, testNS, "web", UninstallOptions{KeepHistory: keep}); err != nil {
			t.Fatalf("keep=%v: uninstall of a damaged release: %v", keep, err)
		}
		if e.configMap("web-config") != nil {
			t.Errorf("keep=%v: web-config survived", keep)
		}
		want := "" // purged
		if keep {
			want = "1:superseded 2:uninstalled"
		}
		hist, err := History(context.Background(), e.cfg, testNS, "web", 0)
		if !keep && !errors.Is(err, ErrNotFound) || keep && e.statuses("web") != want {
			t.Errorf("keep=%v: history after uninstall: %v %v", keep, hist, err)
		}
	}
}
