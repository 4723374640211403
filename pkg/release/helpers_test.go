package release

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/kube/kubetest"
	"github.com/kpkg/kpkg/pkg/release/storage/helmv1"
)

const testNS = "shop"

// testEnv is a Config on kubetest's in-memory API server, storing
// revisions in Helm's Secrets as a real cluster would.
type testEnv struct {
	t       *testing.T
	cfg     *Config
	cluster *kubetest.Cluster
	log     []string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	f := kubetest.NewCluster(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: testNS}})
	k, err := kube.NewForClients(kube.Clients{Dynamic: f.Dyn, Core: f.Core, Metadata: f.Meta, Namespace: testNS})
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, cluster: f}
	e.cfg = NewConfig(k, helmv1.New(f.Core, f.Meta, helmv1.Options{}))
	e.cfg.Lock = LockOptions{TTL: 3 * time.Second, Renew: time.Second}
	e.cfg.Holder = "test"
	e.cfg.Log = func(format string, args ...any) {
		e.log = append(e.log, strings.TrimSpace(sprintf(format, args...)))
	}
	return e
}

func (e *testEnv) core() kubernetes.Interface { return e.cluster.Core }

func (e *testEnv) chart() *chart.Chart {
	e.t.Helper()
	c, err := chart.Load("testdata/charts/web")
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// configMap returns a ConfigMap's data, nil when it does not exist.
func (e *testEnv) configMap(name string) map[string]string {
	e.t.Helper()
	u := e.cluster.Get(e.t, schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}, testNS, name)
	if u == nil {
		return nil
	}
	data, _ := u.Object["data"].(map[string]any)
	out := map[string]string{}
	for k, v := range data {
		out[k], _ = v.(string)
	}
	return out
}

// statuses is the history as "1:superseded 2:deployed".
func (e *testEnv) statuses(name string) string {
	e.t.Helper()
	hist, err := History(context.Background(), e.cfg, testNS, name, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	var parts []string
	for _, r := range hist {
		parts = append(parts, itoa(r.Version)+":"+string(r.Info.Status))
	}
	return strings.Join(parts, " ")
}

func (e *testEnv) install(name string, vals map[string]any) *Release {
	e.t.Helper()
	rel, err := Install(context.Background(), e.cfg, e.chart(), vals, InstallOptions{Name: name, Namespace: testNS})
	if err != nil {
		e.t.Fatalf("install %s: %v", name, err)
	}
	return rel
}

func (e *testEnv) upgrade(name string, vals map[string]any, o UpgradeOptions) (*Release, error) {
	o.Namespace = testNS
	return Upgrade(context.Background(), e.cfg, name, e.chart(), vals, o)
}
