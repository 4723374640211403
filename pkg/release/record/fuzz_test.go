package record_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"io"
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
	"github.com/kpkg/kpkg/pkg/internal/fuzzcheck"
	"github.com/kpkg/kpkg/pkg/release/record"
)

const helmKey = "sh.helm.release.v1.web.v1"

// helmDecode is Helm's release decoding (pkg/storage/driver's
// decodeRelease) reached through its Secrets driver: value is what the
// Secret's "release" key holds, base64 text. List, not Get: Helm's Get
// dereferences the nil release of a payload it cannot decode and panics.
func helmDecode(value []byte) (*helmrelease.Release, error) {
	core := fake.NewClientset(&corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: helmKey, Namespace: "ns", Labels: map[string]string{"owner": "helm", "name": "web"}},
		Type:       "helm.sh/release.v1", Data: map[string][]byte{"release": value},
	})
	rels, err := driver.NewSecrets(core.CoreV1().Secrets("ns")).List(func(*helmrelease.Release) bool { return true })
	if err != nil {
		return nil, err
	}
	if len(rels) != 1 {
		return nil, errors.New("Helm skipped the payload as undecodable")
	}
	return rels[0], nil
}

// helmWritten is the "release" value Helm's Secrets driver writes for a
// sample revision.
func helmWritten(t testing.TB) []byte {
	core := fake.NewClientset()
	d := driver.NewSecrets(core.CoreV1().Secrets("ns"))
	rel := &helmrelease.Release{Name: "web", Namespace: "ns", Version: 1, Manifest: "---\nkind: ConfigMap\n",
		Config: map[string]any{"a": "b"},
		Chart:  &helmchart.Chart{Metadata: &helmchart.Metadata{Name: "web", Version: "1.0.0", APIVersion: "v2"}, Values: map[string]any{"x": 1}},
		Info:   &helmrelease.Info{Status: helmrelease.StatusDeployed, LastDeployed: helmtime.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		Hooks:  []*helmrelease.Hook{{Name: "t", Kind: "Pod", Events: []helmrelease.HookEvent{helmrelease.HookTest}}}}
	if err := d.Create(helmKey, rel); err != nil {
		t.Fatal(err)
	}
	s, err := core.CoreV1().Secrets("ns").Get(t.Context(), helmKey, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s.Data["release"]
}

// kpkgWritten is the payload kpkg writes for a sample revision.
func kpkgWritten(t testing.TB) []byte {
	data, err := record.Encode(&record.Release{Name: "web", Version: 2, Namespace: "ns",
		Info:   &record.Info{Status: record.StatusDeployed, Description: "Upgrade complete"},
		Chart:  &record.Chart{Metadata: &chart.Metadata{Name: "web", Version: "1.0.0", APIVersion: "v2"}, Values: map[string]any{"x": 1.0}},
		Config: map[string]any{"a": "b"}, Manifest: "---\nkind: ConfigMap\n",
		Hooks: []*record.Hook{{Name: "t", Kind: "Pod", Events: []string{"test"}}}}, record.Default)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// inflated is how many bytes data would decompress to, up to limit.
func inflated(data []byte, limit int64) int64 {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return 0
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(zr, limit))
	return n
}

// FuzzDecode: a release payload (gzip or plain JSON) decodes as Helm
// decodes it. The one difference on purpose: kpkg refuses a payload without
// "info", which Helm accepts and then dereferences.
func FuzzDecode(f *testing.F) {
	helmPayload, err := base64.StdEncoding.DecodeString(string(helmWritten(f)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(helmPayload)
	f.Add(kpkgWritten(f))
	f.Add([]byte(`{"name":"web","info":{"status":"deployed","first_deployed":"","deleted":null},"version":3}`))
	f.Add([]byte(`{"name":"web"}`))
	f.Add([]byte{0x1f, 0x8b, 0x08})
	f.Fuzz(func(t *testing.T, data []byte) {
		var got *record.Release
		var err error
		n := inflated(data, 64<<20)
		fuzzcheck.Bounded(t, int(n)+len(data), 64, 8<<20, func() { got, err = record.Decode(data, 0) })
		want, herr := helmDecode([]byte(base64.StdEncoding.EncodeToString(data)))
		switch {
		case err == nil && herr != nil:
			t.Fatalf("kpkg decodes what Helm refuses (%v)", herr)
		case err != nil && herr == nil && want.Info != nil:
			t.Fatalf("kpkg refuses what Helm decodes: %v", err)
		case err == nil && (got.Name != want.Name || got.Version != want.Version || got.Manifest != want.Manifest || string(got.Info.Status) != string(want.Info.Status)):
			t.Fatalf("decoded differently:\nkpkg: %+v\nhelm: %+v", got, want)
		}
	})
}
