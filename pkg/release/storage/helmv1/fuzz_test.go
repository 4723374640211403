package helmv1

import (
	"errors"
	"testing"
	"time"

	helmchart "helm.sh/helm/v3/pkg/chart"
	helmrelease "helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"
	helmtime "helm.sh/helm/v3/pkg/time"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kpkg/kpkg/pkg/internal/fuzzcheck"
	"github.com/kpkg/kpkg/pkg/kube/kubetest"
	"github.com/kpkg/kpkg/pkg/release/record"
	"github.com/kpkg/kpkg/pkg/release/storage"
)

const fuzzKey = "sh.helm.release.v1.web.v1"

// helmListDecode is Helm's decoding of a Secret's "release" value, through
// its Secrets driver's List (its Get panics on a value it cannot decode).
func helmListDecode(value []byte) (*helmrelease.Release, error) {
	core := fake.NewClientset(&corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: fuzzKey, Namespace: ns, Labels: map[string]string{"owner": "helm", "name": "web"}},
		Type:       "helm.sh/release.v1", Data: map[string][]byte{"release": value},
	})
	rels, err := driver.NewSecrets(core.CoreV1().Secrets(ns)).List(func(*helmrelease.Release) bool { return true })
	if err != nil {
		return nil, err
	}
	if len(rels) != 1 {
		return nil, errors.New("Helm skipped the value as undecodable")
	}
	return rels[0], nil
}

// fuzzSeeds are the "release" values Helm and kpkg write for revisions.
func fuzzSeeds(t testing.TB) [][]byte {
	ctx := t.Context()
	var out [][]byte
	core := fake.NewClientset()
	hr := &helmrelease.Release{Name: "web", Namespace: ns, Version: 1, Manifest: cmManifest, Config: map[string]any{"a": "b"},
		Chart: &helmchart.Chart{Metadata: &helmchart.Metadata{Name: "web", Version: "1.0.0"}, Values: map[string]any{"x": "y"},
			Templates: []*helmchart.File{{Name: "templates/cm.yaml", Data: []byte("x")}}},
		Info:  &helmrelease.Info{Status: helmrelease.StatusDeployed, LastDeployed: helmtime.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		Hooks: []*helmrelease.Hook{{Name: "t", Kind: "Pod", Events: []helmrelease.HookEvent{helmrelease.HookTest}}}}
	if err := driver.NewSecrets(core.CoreV1().Secrets(ns)).Create(fuzzKey, hr); err != nil {
		t.Fatal(err)
	}
	if s, err := core.CoreV1().Secrets(ns).Get(ctx, fuzzKey, metav1.GetOptions{}); err == nil {
		out = append(out, s.Data["release"])
	}
	// kpkg's own: a whole revision and a stand-in whose manifest points at
	// parts (a revision too large for one Secret).
	for _, text := range []string{cmManifest, randomText(3 << 20)} {
		f := kubetest.NewCluster(t)
		core := f.Core
		d := New(core, f.Meta, Options{Kind: Secrets})
		if _, err := d.Create(ctx, sample(2, record.StatusDeployed, text), storage.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if s, err := core.CoreV1().Secrets(ns).Get(ctx, ObjectName("web", 2), metav1.GetOptions{}); err == nil {
			out = append(out, s.Data["release"])
		}
	}
	return out
}

// FuzzDecodeRecord: a Secret's "release" value decodes as Helm decodes it,
// and a stand-in manifest is recognised without panics. The one difference
// on purpose: kpkg refuses a revision without "info", which Helm accepts
// and then dereferences.
func FuzzDecodeRecord(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte("eyJuYW1lIjoid2ViIn0="))
	f.Add([]byte("not base64"))
	d := New(nil, nil, Options{})
	f.Fuzz(func(t *testing.T, value []byte) {
		var got *record.Release
		var err error
		fuzzcheck.Bounded(t, len(value), 1200, 8<<20, func() {
			got, err = d.decodeRecord(value)
			if err == nil {
				_, _ = parseExternal(got.Manifest)
			}
		})
		want, herr := helmListDecode(value)
		switch {
		case err == nil && herr != nil:
			t.Fatalf("kpkg decodes what Helm refuses (%v)", herr)
		case err != nil && herr == nil && want.Info != nil:
			t.Fatalf("kpkg refuses what Helm decodes: %v", err)
		case err == nil && (got.Name != want.Name || got.Version != want.Version || got.Manifest != want.Manifest):
			t.Fatalf("decoded differently:\nkpkg: %+v\nhelm: %+v", got, want)
		}
	})
}
