package provenance_test

import (
	"errors"
	"testing"

	"github.com/kpkg/kpkg/pkg/provenance"
)

// FuzzParseProvenance feeds the parser arbitrary bytes: it must never
// panic, must fail only with a *MalformedError naming the file, and must
// return a usable Provenance when it succeeds. The seed corpus in
// testdata/fuzz/FuzzParseProvenance holds real signed files and broken
// variants of them.
func FuzzParseProvenance(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nname: x\n\n...\nfiles:\n  x-1.0.0.tgz: sha256:00\n-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := provenance.ParseProvenance("fuzz.prov", data)
		if err != nil {
			var e *provenance.MalformedError
			if !errors.As(err, &e) || e.File != "fuzz.prov" {
				t.Fatalf("error is not a MalformedError naming the file: %v", err)
			}
			return
		}
		if p.Metadata == nil || len(p.Files) == 0 || p.Name != "fuzz.prov" {
			t.Fatalf("parsed without metadata or files: %+v", p)
		}
	})
}
