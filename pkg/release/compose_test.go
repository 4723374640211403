package release

import (
	"strings"
	"testing"
	"time"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/release/record"
	"github.com/kpkg/kpkg/pkg/render"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"web", true}, {"my-app.v2", true}, {"a", true}, {strings.Repeat("a", 53), true},
		{"", false}, {strings.Repeat("a", 54), false}, {"Web", false}, {"-web", false}, {"web_1", false}, {"web-", false},
	}
	for _, tt := range tests {
		if err := ValidateName(tt.name); (err == nil) != tt.ok {
			t.Errorf("ValidateName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestHooksForOrdersByWeightThenName(t *testing.T) {
	hook := func(name string, weight int, events ...render.HookEvent) *Hook {
		return hookRecord(&render.Hook{Name: name, Weight: weight, Events: events})
	}
	rel := &Release{Hooks: []*Hook{
		hook("c", 0, render.HookPreInstall),
		hook("b", 0, render.HookPreInstall, render.HookPreUpgrade),
		hook("a", 5, render.HookPreInstall),
		hook("z", -5, render.HookPreInstall),
		hook("t", 0, render.HookTest),
	}}
	var got []string
	for _, h := range hooksFor(rel, render.HookPreInstall) {
		got = append(got, h.Name)
	}
	if strings.Join(got, ",") != "z,b,c,a" {
		t.Errorf("pre-install hooks run as %v, want z,b,c,a", got)
	}
	if up := hooksFor(rel, render.HookPreUpgrade); len(up) != 1 || up[0].Name != "b" {
		t.Errorf("pre-upgrade hooks %v", up)
	}
}

func TestRollbackRevisionCopiesTarget(t *testing.T) {
	from := sampleRelease("manifest-of-1")
	from.Version = 1
	from.Hooks[0].LastRun = HookExecution{Phase: "Succeeded"}
	last := sampleRelease("manifest-of-4")
	last.Version = 4
	rel := rollbackRevision(from, last)
	if rel.Version != 5 || rel.Manifest != "manifest-of-1" || rel.Info.Status != StatusPendingRollback || rel.Info.Description != "Rollback to 1" || rel.Info.RollbackRevision != 1 {
		t.Errorf("rollback revision = %+v %+v", rel, rel.Info)
	}
	if rel.Hooks[0].LastRun.Phase != "" || from.Hooks[0].LastRun.Phase != "Succeeded" {
		t.Errorf("hook runs: new %q, source %q", rel.Hooks[0].LastRun.Phase, from.Hooks[0].LastRun.Phase)
	}
	if from.Info.Status != StatusDeployed {
		t.Errorf("the source revision was modified")
	}
}

func sampleRelease(manifest string) *Release {
	return &Release{
		Name: "web", Namespace: "shop", Version: 3,
		Info: &Info{Status: StatusDeployed, Description: "Upgrade complete", Notes: "hello",
			LastDeployed: record.Time{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}},
		Chart:    &record.Chart{Metadata: &chart.Metadata{Name: "web", Version: "1.2.3", AppVersion: "4.5"}, Values: map[string]any{"image": "nginx"}},
		Config:   map[string]any{"replicas": float64(2)},
		Manifest: manifest,
		Hooks:    []*Hook{{Name: "migrate", Kind: "Job", Events: []string{"pre-upgrade"}, Weight: -1}},
	}
}
