package provenance_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/provenance/provenancetest"
)

const demoChart = "../../testdata/repo/demo"

// Short names for the key helpers every test here uses.
var newKey = provenancetest.NewKey

type keyringOpts = provenancetest.KeyringOptions

func writeKeyring(t *testing.T, o keyringOpts, es ...*openpgp.Entity) string {
	t.Helper()
	return provenancetest.WriteKeyring(t, o, es...)
}

// demoArchive packages the demo chart as dir/demo-1.2.3.tgz.
func demoArchive(t *testing.T, dir string) string {
	t.Helper()
	c, err := chart.Load(demoChart)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, chart.ArchiveName(c))
	var buf bytes.Buffer
	if err := chart.WriteArchive(context.Background(), &buf, c, chart.ArchiveOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustWrite(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
