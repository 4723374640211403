package release

import (
	"context"
	"errors"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/storage/driver"
)

func TestInstall(t *testing.T) {
	e := newTestEnv(t)
	rel := e.install("web", map[string]any{"message": "hi"})
	if rel.Version != 1 || rel.Info.Status != StatusDeployed || rel.Info.Notes != "web says hi.\n" {
		t.Errorf("installed %d %s %q", rel.Version, rel.Info.Status, rel.Info.Notes)
	}
	if cm := e.configMap("web-config"); cm["message"] != "hi" {
		t.Errorf("web-config = %v", cm)
	}
	if hook := e.configMap("web-hook"); hook["ran"] != "1" {
		t.Errorf("the pre-install hook did not run: %v", hook)
	}
	// Helm reads the revision kpkg stored.
	helm, err := driver.NewSecrets(e.core().CoreV1().Secrets(testNS)).Get("sh.helm.release.v1.web.v1")
	if err != nil || helm.Info.Status != "deployed" || helm.Config["message"] != "hi" || len(helm.Hooks) != 1 {
		t.Errorf("Helm reads %+v, %v", helm, err)
	}
	var inUse *NameInUseError
	if _, err := Install(context.Background(), e.cfg, e.chart(), nil, InstallOptions{Name: "web", Namespace: testNS}); !errors.As(err, &inUse) || inUse.Status != StatusDeployed {
		t.Errorf("second install = %v, want a NameInUseError", err)
	}
}

func TestInstallRefusesBadNamesAndLabels(t *testing.T) {
	e := newTestEnv(t)
	for _, o := range []InstallOptions{
		{Name: "Web", Namespace: testNS},
		{Name: "web", Namespace: testNS, Labels: map[string]string{"owner": "me"}},
	} {
		if _, err := Install(context.Background(), e.cfg, e.chart(), nil, o); err == nil {
			t.Errorf("install %+v succeeded", o)
		}
	}
}

func TestInstallDryRunStoresNothing(t *testing.T) {
	e := newTestEnv(t)
	rel, err := Install(context.Background(), e.cfg, e.chart(), nil, InstallOptions{Name: "web", Namespace: testNS, DryRun: DryRunClient})
	if err != nil || !strings.Contains(rel.Manifest, "web-config") {
		t.Fatalf("dry run = %v", err)
	}
	if _, err := History(context.Background(), e.cfg, testNS, "web", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("a dry run stored a revision: %v", err)
	}
	if e.configMap("web-config") != nil {
		t.Errorf("a dry run created objects")
	}
}

// --replace reuses the name of a failed release, as the next revision.
func TestInstallReplacesAFailedRelease(t *testing.T) {
	e := newTestEnv(t)
	e.install("other", nil)
	if _, err := Install(context.Background(), e.cfg, e.chart(), map[string]any{"configName": "other-config"}, InstallOptions{Name: "web", Namespace: testNS}); err == nil {
		t.Fatal("installing onto another release's object succeeded")
	}
	if _, err := Install(context.Background(), e.cfg, e.chart(), nil, InstallOptions{Name: "web", Namespace: testNS}); !errors.As(err, new(*NameInUseError)) {
		t.Fatalf("install over a failed release without --replace = %v", err)
	}
	rel, err := Install(context.Background(), e.cfg, e.chart(), nil, InstallOptions{Name: "web", Namespace: testNS, Replace: true})
	if err != nil || rel.Version != 2 || e.statuses("web") != "1:failed 2:deployed" {
		t.Errorf("install --replace = %v, history %s", err, e.statuses("web"))
	}
}
