package memory

import (
	"testing"

	"github.com/kpkg/kpkg/pkg/release/storage"
	"github.com/kpkg/kpkg/pkg/release/storage/storagetest"
)

func TestContract(t *testing.T) {
	storagetest.Contract(t, func(*testing.T) storage.Driver { return &Driver{} })
}
