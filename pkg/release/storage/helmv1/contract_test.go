package helmv1

import (
	"testing"

	"github.com/kpkg/kpkg/pkg/kube/kubetest"
	"github.com/kpkg/kpkg/pkg/release/storage"
	"github.com/kpkg/kpkg/pkg/release/storage/storagetest"
)

func TestContract(t *testing.T) {
	for _, kind := range []Kind{Secrets, ConfigMaps} {
		t.Run(kindName(kind), func(t *testing.T) {
			storagetest.Contract(t, func(t *testing.T) storage.Driver {
				f := kubetest.NewCluster(t)
				return New(f.Core, f.Meta, Options{Kind: kind})
			})
		})
	}
}
