package helmv1

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	helmchart "helm.sh/helm/v3/pkg/chart"
	helmrelease "helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"
	helmtime "helm.sh/helm/v3/pkg/time"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/kube/kubetest"
	"github.com/kpkg/kpkg/pkg/release/record"
	"github.com/kpkg/kpkg/pkg/release/storage"
)

const ns = "shop"

func sample(version int, status record.Status, text string) *record.Release {
	return &record.Release{
		Name: "web", Namespace: ns, Version: version,
		Info: &record.Info{
			FirstDeployed: record.Time{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
			LastDeployed:  record.Time{Time: time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC)},
			Status:        status, Description: "Install complete", Notes: "hello",
		},
		Chart: &record.Chart{
			Metadata: &chart.Metadata{APIVersion: "v2", Name: "web", Version: "1.2.3", AppVersion: "4.5"},
			Values:   map[string]any{"image": "nginx", "replicas": float64(1)},
		},
		Config:   map[string]any{"replicas": float64(2)},
		Manifest: text,
		Hooks: []*record.Hook{{Name: "migrate", Kind: "Job", Path: "web/templates/job.yaml", Manifest: "kind: Job",
			Events: []string{"pre-upgrade"}, Weight: -1, DeletePolicies: []string{"hook-succeeded"}}},
		Labels:      map[string]string{"team": "a"},
		ApplyMethod: record.ApplyServerSide,
	}
}

const cmManifest = "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n"

func TestKpkgWritesWhatHelmReads(t *testing.T) {
	ctx := context.Background()
	for _, kind := range []Kind{Secrets, ConfigMaps} {
		t.Run(kindName(kind), func(t *testing.T) {
			f := kubetest.NewCluster(t)
			core := f.Core
			d := New(core, f.Meta, Options{Kind: kind})
			if _, err := d.Create(ctx, sample(1, record.StatusDeployed, cmManifest), storage.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			helm := helmDriver(core, kind)
			got, err := helm.Get("sh.helm.release.v1.web.v1")
			if err != nil {
				t.Fatalf("Helm cannot read kpkg's revision: %v", err)
			}
			if got.Name != "web" || got.Version != 1 || got.Info.Status != helmrelease.StatusDeployed || got.Manifest != cmManifest ||
				got.Chart.Metadata.AppVersion != "4.5" || got.Config["replicas"] != float64(2) || got.Chart.Values["image"] != "nginx" ||
				len(got.Hooks) != 1 || got.Hooks[0].Events[0] != helmrelease.HookPreUpgrade || got.Labels["team"] != "a" ||
				!got.Info.FirstDeployed.Equal(helmtime.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
				t.Errorf("Helm read %+v %+v", got, got.Info)
			}
			q, err := helm.Query(map[string]string{"name": "web", "owner": "helm", "status": "deployed"})
			if err != nil || len(q) != 1 {
				t.Errorf("Helm's query found %d revisions: %v", len(q), err)
			}
		})
	}
}

func TestHelmWritesWhatKpkgReads(t *testing.T) {
	ctx := context.Background()
	for _, kind := range []Kind{Secrets, ConfigMaps} {
		t.Run(kindName(kind), func(t *testing.T) {
			f := kubetest.NewCluster(t)
			core := f.Core
			helm := helmDriver(core, kind)
			hr := &helmrelease.Release{
				Name: "web", Namespace: ns, Version: 3, Manifest: cmManifest, Config: map[string]any{"a": "b"},
				Chart:  &helmchart.Chart{Metadata: &helmchart.Metadata{Name: "web", Version: "1.0.0"}, Values: map[string]any{"x": "y"}, Templates: []*helmchart.File{{Name: "templates/cm.yaml", Data: []byte("x")}}},
				Info:   &helmrelease.Info{Status: helmrelease.StatusPendingUpgrade, Description: "Preparing upgrade", LastDeployed: helmtime.Now()},
				Hooks:  []*helmrelease.Hook{{Name: "t", Kind: "Pod", Events: []helmrelease.HookEvent{helmrelease.HookTest}, LastRun: helmrelease.HookExecution{Phase: helmrelease.HookPhaseSucceeded}}},
				Labels: map[string]string{"team": "b"},
			}
			if err := helm.Create("sh.helm.release.v1.web.v3", hr); err != nil {
				t.Fatal(err)
			}
			d := New(core, f.Meta, Options{Kind: kind})
			idx, err := d.Index(ctx, ns, "web")
			if err != nil || len(idx) != 1 || idx[0].Version != 3 || idx[0].Status != record.StatusPendingUpgrade || idx[0].Labels["team"] != "b" {
				t.Fatalf("Index = %+v, %v", idx, err)
			}
			got, err := d.Get(ctx, ns, "web", 3)
			if err != nil {
				t.Fatal(err)
			}
			if got.Info.Status != record.StatusPendingUpgrade || got.Manifest != cmManifest || got.Config["a"] != "b" ||
				got.Chart.Values["x"] != "y" || len(got.Chart.Templates) != 1 || got.Hooks[0].LastRun.Phase != "Succeeded" ||
				!got.Hooks[0].IsTest() || got.Labels["team"] != "b" || got.Labels["owner"] != "" {
				t.Errorf("kpkg read %+v", got)
			}
			// kpkg updates it; Helm reads the update.
			got.Info.Status = record.StatusFailed
			if err := d.Update(ctx, got, storage.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			back, err := helm.Get("sh.helm.release.v1.web.v3")
			if err != nil || back.Info.Status != helmrelease.StatusFailed || len(back.Chart.Templates) != 1 || back.Labels["team"] != "b" {
				t.Errorf("Helm read kpkg's update as %+v, %v", back, err)
			}
		})
	}
}

func TestExternalPayload(t *testing.T) {
	ctx := context.Background()
	f := kubetest.NewCluster(t)
	core := f.Core
	d := New(core, f.Meta, Options{MaxObjectBytes: 8192})
	big := cmManifest + "---\n# Source: web/templates/big.yaml\n" + randomText(40000)
	place, err := d.Create(ctx, sample(2, record.StatusPendingInstall, big), storage.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !place.External || place.Parts < 4 {
		t.Fatalf("placement = %+v, want external in several parts", place)
	}
	helm := driver.NewSecrets(core.CoreV1().Secrets(ns))
	stub, err := helm.Get("sh.helm.release.v1.web.v2")
	if err != nil {
		t.Fatalf("Helm cannot decode the record of a revision in parts: %v", err)
	}
	if stub.Info.Status != helmrelease.StatusPendingInstall || !strings.Contains(stub.Manifest, "kind: ExternalReleasePayload") || len(stub.Hooks) != 0 || stub.Config["replicas"] != float64(2) {
		t.Errorf("Helm sees %+v", stub)
	}
	all, err := helm.List(func(*helmrelease.Release) bool { return true })
	if err != nil || len(all) != 1 {
		t.Errorf("Helm lists %d revisions (%v), want the record only", len(all), err)
	}
	got, err := d.Get(ctx, ns, "web", 2)
	if err != nil {
		t.Fatal(err)
	}
	if got.Manifest != big || len(got.Hooks) != 1 || got.Info.Status != record.StatusPendingInstall {
		t.Errorf("kpkg read back cmManifest of %d bytes, %d hooks, status %s", len(got.Manifest), len(got.Hooks), got.Info.Status)
	}

	// Status changes rewrite the record only, whichever tool makes them.
	got.Info.Status = record.StatusDeployed
	if err := d.Update(ctx, got, storage.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	stub, _ = helm.Get("sh.helm.release.v1.web.v2")
	stub.Info.Status = helmrelease.StatusSuperseded
	if err := helm.Update("sh.helm.release.v1.web.v2", stub); err != nil {
		t.Fatal(err)
	}
	if got, err = d.Get(ctx, ns, "web", 2); err != nil || got.Manifest != big || got.Info.Status != record.StatusSuperseded {
		t.Errorf("after Helm's update: %v, status %s", err, got.Info.Status)
	}

	// A missing part damages the revision, naming its record.
	if err := core.CoreV1().Secrets(ns).Delete(ctx, "sh.helm.release.v1.web.v2.part-2", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	var corrupt *storage.CorruptError
	if _, err := d.Get(ctx, ns, "web", 2); !errors.As(err, &corrupt) || !strings.Contains(err.Error(), "sh.helm.release.v1.web.v2") {
		t.Errorf("Get with a part missing = %v, want a CorruptError naming the record", err)
	}
	if err := d.Delete(ctx, ns, "web", 2); err != nil {
		t.Fatal(err)
	}
	left, _ := core.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{})
	if len(left.Items) != 0 {
		t.Errorf("Delete left %d Secrets", len(left.Items))
	}
}

func TestCorruptRecordsNameTheirObject(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		data []byte
	}{
		{"not base64", []byte("%%%")},
		{"not gzip or json", []byte("aGVsbG8=")},
		{"truncated gzip", encode64([]byte{0x1f, 0x8b, 0x08, 0, 0})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := kubetest.NewCluster(t, &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: "sh.helm.release.v1.web.v1", Namespace: ns,
					Labels: map[string]string{"owner": "helm", "name": "web", "version": "1", "status": "deployed"}},
				Type: RecordSecretType, Data: map[string][]byte{"release": tt.data},
			})
			d := New(f.Core, f.Meta, Options{})
			_, err := d.Get(ctx, ns, "web", 1)
			var corrupt *storage.CorruptError
			if !errors.As(err, &corrupt) || corrupt.Object != "Secret shop/sh.helm.release.v1.web.v1" {
				t.Errorf("Get = %v, want a CorruptError naming the Secret", err)
			}
		})
	}
}

func TestNotFoundAndExists(t *testing.T) {
	ctx := context.Background()
	f := kubetest.NewCluster(t)
	d := New(f.Core, f.Meta, Options{})
	if _, err := d.Get(ctx, ns, "web", 9); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Get of a missing revision = %v", err)
	}
	if _, err := d.Create(ctx, sample(1, record.StatusDeployed, cmManifest), storage.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Create(ctx, sample(1, record.StatusDeployed, cmManifest), storage.WriteOptions{}); !errors.Is(err, storage.ErrExists) {
		t.Errorf("second Create = %v, want ErrExists", err)
	}
}

func kindName(k Kind) string {
	if k == ConfigMaps {
		return "configmap"
	}
	return "secret"
}

func helmDriver(core *fake.Clientset, kind Kind) driver.Driver {
	if kind == ConfigMaps {
		return driver.NewConfigMaps(core.CoreV1().ConfigMaps(ns))
	}
	return driver.NewSecrets(core.CoreV1().Secrets(ns))
}

// randomText does not compress, so it forces a payload into parts.
func randomText(n int) string {
	var b strings.Builder
	x := uint32(2463534242)
	for b.Len() < n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteByte("abcdefghijklmnopqrstuvwxyz0123456789"[x%36])
	}
	return b.String()
}
