package kube

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kpkg/kpkg/pkg/kube/kubetest"
)

// fakeCluster is kubetest's in-memory API server with a Client on it.
type fakeCluster struct{ *kubetest.Cluster }

func newFakeCluster(t testing.TB, objects ...runtime.Object) *fakeCluster {
	t.Helper()
	return &fakeCluster{kubetest.NewCluster(t, objects...)}
}

// client is a Client on the fakes with the real discovery-backed mapper.
func (f *fakeCluster) client(t testing.TB) *Client {
	t.Helper()
	c, err := NewForClients(Clients{Dynamic: f.Dyn, Core: f.Core, Metadata: f.Meta})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	mustObject = kubetest.MustObject
	toMetadata = kubetest.ToMetadata
	widgets    = kubetest.Widgets
)
