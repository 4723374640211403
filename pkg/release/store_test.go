package release

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kpkg/kpkg/pkg/kube/kubetest"
	"github.com/kpkg/kpkg/pkg/release/storage"
	"github.com/kpkg/kpkg/pkg/release/storage/helmv1"
	"github.com/kpkg/kpkg/pkg/release/storage/kpkgv1"
	"github.com/kpkg/kpkg/pkg/release/storage/memory"
)

func stored(version int, status Status) *Release {
	rel := sampleRelease("---\n# Source: web/templates/cm.yaml\nkind: ConfigMap\n")
	rel.Version, rel.Info.Status = version, status
	return rel
}

func TestStoreMergesLegacyAndMovesIt(t *testing.T) {
	ctx := context.Background()
	f := kubetest.NewCluster(t)
	core := f.Core
	newer := helmv1.New(core, f.Meta, helmv1.Options{})
	s := &Store{Driver: newer, Legacy: kpkgv1.New(core)}
	if _, err := newer.Create(ctx, stored(2, StatusDeployed), storage.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	legacyHead(t, core, 1, "superseded")
	legacyHead(t, core, 2, "deployed") // a half-finished move: both hold 2

	revs, err := s.revisions(ctx, "shop", "web")
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Version != 1 || revs[0].driver != s.Legacy || revs[1].driver != s.Driver {
		t.Fatalf("revisions = %+v; want 1 from the earlier format, 2 from Helm's", revs)
	}
	moved, err := s.migrate(ctx, "shop", "web")
	if err != nil || moved != 2 {
		t.Fatalf("migrate = %d, %v", moved, err)
	}
	if old, _ := s.Legacy.Index(ctx, "shop", "web"); len(old) != 0 {
		t.Errorf("the earlier format still holds %d revisions", len(old))
	}
	rel, err := s.Get(ctx, "shop", "web", 1)
	if err != nil || rel.Info.Status != StatusSuperseded || rel.Chart.Values["image"] != "nginx" {
		t.Errorf("moved revision 1 = %+v, %v", rel, err)
	}
	if _, err := s.Get(ctx, "shop", "web", 9); !errors.As(err, new(*RevisionNotFoundError)) {
		t.Errorf("Get of a missing revision = %v", err)
	}
}

// legacyHead writes a revision as today's kpkg does, in one Secret.
func legacyHead(t *testing.T, core *fake.Clientset, version int, status string) {
	t.Helper()
	v := strconv.Itoa(version)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	fmt.Fprintf(zw, `{"format":1,"name":"web","namespace":"shop","version":%d,"info":{},`+
		`"chart":{"metadata":{"name":"web","version":"1.0.0"}},"computed":{"image":"nginx"}}`, version)
	zw.Close()
	_, err := core.CoreV1().Secrets("shop").Create(context.Background(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "kpkg.release.v1.web.v" + v, Namespace: "shop",
			Labels:      map[string]string{"owner": "kpkg", "name": "web", "version": v, "status": status},
			Annotations: map[string]string{"kpkg.dev/info": `{"status":"` + status + `"}`, "kpkg.dev/parts": "1"}},
		Type: kpkgv1.SecretType, Data: map[string][]byte{"release": buf.Bytes()},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHistoryShowsDamagedRevisions(t *testing.T) {
	ctx := context.Background()
	d := &memory.Driver{}
	c := &Config{Store: &Store{Driver: d}}
	for v, st := range []Status{StatusSuperseded, StatusSuperseded, StatusDeployed} {
		if _, err := d.Create(ctx, stored(v+1, st), storage.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	d.Corrupt("shop", "web", 2, []byte("garbage"))
	hist, err := History(ctx, c, "shop", "web", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 || !strings.HasPrefix(hist[1].Info.Description, DamagedPrefix) || hist[1].Info.Status != StatusSuperseded ||
		hist[2].Info.Status != StatusDeployed || hist[2].Chart == nil {
		t.Errorf("history = %v %v %v", hist[0].Info, hist[1].Info, hist[2].Info)
	}
	list, err := List(ctx, c, ListOptions{Namespace: "shop"})
	if err != nil || len(list) != 1 || list[0].Version != 3 {
		t.Errorf("List = %v, %v", list, err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

var (
	metav1GetOptions    = metav1.GetOptions{}
	metav1UpdateOptions = metav1.UpdateOptions{}
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
