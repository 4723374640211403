package provenance_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/provenance"
)

// signedFixture is a demo archive signed by one key, with keyrings for the
// signer and for a stranger.
type signedFixture struct {
	dir, archive, prov  string
	pubring, otherRing  string
	archiveData, signed []byte
}

func newSignedFixture(t *testing.T) *signedFixture {
	t.Helper()
	key := newKey(t, "Chart Signer", "signer@example.com", false)
	other := newKey(t, "Someone Else", "else@example.com", false)
	f := &signedFixture{dir: t.TempDir()}
	f.archive = demoArchive(t, f.dir)
	f.prov = f.archive + ".prov"
	f.pubring = writeKeyring(t, keyringOpts{}, key)
	f.otherRing = writeKeyring(t, keyringOpts{}, other)
	secring := writeKeyring(t, keyringOpts{Secret: true}, key)
	sig, err := provenance.Sign(context.Background(), f.archive, provenance.SignOptions{Keyring: secring})
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, f.prov, sig)
	f.archiveData, f.signed = mustRead(t, f.archive), sig
	return f
}

// TestVerifyFailures breaks one thing at a time and checks that kpkg says
// what broke with the right typed error, and that Helm refuses it too.
func TestVerifyFailures(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(t *testing.T, f *signedFixture) (keyring string)
		check   func(t *testing.T, err error, f *signedFixture)
	}{
		{
			name: "tampered archive",
			breakIt: func(t *testing.T, f *signedFixture) string {
				mustWrite(t, f.archive, append(bytes.Clone(f.archiveData), 0))
				return f.pubring
			},
			check: func(t *testing.T, err error, f *signedFixture) {
				var e *provenance.DigestMismatchError
				if !errors.As(err, &e) || e.File != "demo-1.2.3.tgz" || e.Prov != f.prov ||
					e.Signed != provenance.Digest(f.archiveData) || e.Actual != provenance.Digest(append(bytes.Clone(f.archiveData), 0)) {
					t.Errorf("want a DigestMismatchError naming the file and both digests, got %#v", err)
				}
			},
		},
		{
			name:    "wrong key",
			breakIt: func(_ *testing.T, f *signedFixture) string { return f.otherRing },
			check: func(t *testing.T, err error, f *signedFixture) {
				var e *provenance.SignatureError
				if !errors.Is(err, provenance.ErrUnknownSigner) || !errors.As(err, &e) || len(e.KeyID) != 16 || e.Keyring != f.otherRing ||
					!strings.Contains(err.Error(), "not in keyring "+f.otherRing) {
					t.Errorf("want ErrUnknownSigner naming the key and keyring, got %v", err)
				}
			},
		},
		{
			name: "signed text altered",
			breakIt: func(t *testing.T, f *signedFixture) string {
				mustWrite(t, f.prov, bytes.Replace(f.signed, []byte("version: 1.2.3"), []byte("version: 9.9.9"), 1))
				return f.pubring
			},
			check: func(t *testing.T, err error, _ *signedFixture) {
				if !errors.Is(err, provenance.ErrBadSignature) || errors.Is(err, provenance.ErrUnknownSigner) {
					t.Errorf("want ErrBadSignature, got %v", err)
				}
			},
		},
		{
			name: "archive renamed",
			breakIt: func(t *testing.T, f *signedFixture) string {
				renamed := filepath.Join(f.dir, "other-1.0.0.tgz")
				mustWrite(t, renamed, f.archiveData)
				mustWrite(t, renamed+".prov", f.signed)
				f.archive, f.prov = renamed, renamed+".prov"
				return f.pubring
			},
			check: func(t *testing.T, err error, _ *signedFixture) {
				var e *provenance.MissingFileError
				if !errors.As(err, &e) || e.File != "other-1.0.0.tgz" || len(e.Listed) != 1 || e.Listed[0] != "demo-1.2.3.tgz" {
					t.Errorf("want a MissingFileError, got %v", err)
				}
			},
		},
		{
			name: "signature block missing",
			breakIt: func(t *testing.T, f *signedFixture) string {
				i := bytes.Index(f.signed, []byte("-----BEGIN PGP SIGNATURE-----"))
				mustWrite(t, f.prov, f.signed[:i])
				return f.pubring
			},
			check: wantMalformed("no complete OpenPGP clear-signed message"),
		},
		{
			name: "not a provenance file",
			breakIt: func(t *testing.T, f *signedFixture) string {
				mustWrite(t, f.prov, []byte("files:\n  demo-1.2.3.tgz: sha256:00\n"))
				return f.pubring
			},
			check: wantMalformed("no complete OpenPGP clear-signed message"),
		},
		{
			name: "too large",
			breakIt: func(t *testing.T, f *signedFixture) string {
				mustWrite(t, f.prov, bytes.Repeat([]byte("x"), provenance.MaxProvenanceSize+1))
				return f.pubring
			},
			check: func(t *testing.T, err error, f *signedFixture) {
				if err == nil || !strings.Contains(err.Error(), f.prov) || !strings.Contains(err.Error(), "larger than") {
					t.Errorf("want a size error naming %s, got %v", f.prov, err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newSignedFixture(t)
			keyring := tt.breakIt(t, f)
			_, err := provenance.Verify(context.Background(), f.archive, f.prov, keyring)
			tt.check(t, err, f)
			if !helmRejects(f.archive, keyring) {
				t.Error("Helm accepts what kpkg refuses")
			}
		})
	}
}

func wantMalformed(reason string) func(*testing.T, error, *signedFixture) {
	return func(t *testing.T, err error, f *signedFixture) {
		t.Helper()
		var e *provenance.MalformedError
		if !errors.As(err, &e) || e.File != f.prov || !strings.Contains(e.Reason, reason) {
			t.Errorf("want a MalformedError naming %s and saying %q, got %v", f.prov, reason, err)
		}
	}
}

// TestParseProvenanceMalformed covers the ways the signed text itself can
// be wrong; ParseProvenance does not check signatures, so the texts need
// none that verify.
func TestParseProvenanceMalformed(t *testing.T) {
	f := newSignedFixture(t)
	sig := f.signed[bytes.Index(f.signed, []byte("-----BEGIN PGP SIGNATURE-----")):]
	wrap := func(text string) []byte {
		return append([]byte("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"+text+"\n"), sig...)
	}
	tests := []struct {
		name, text, reason string
	}{
		{"no separator", "name: demo\nversion: 1.2.3\nfiles:\n  demo-1.2.3.tgz: sha256:00", `no "..." line`},
		{"bad metadata", "name: [demo\n\n...\nfiles:\n  demo-1.2.3.tgz: sha256:00", "chart metadata is not valid"},
		{"bad files", "name: demo\n\n...\nfiles: [a, b]", "file digests are not a YAML map"},
		{"no files", "name: demo\n\n...\nfiles: {}", "lists no file digests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := provenance.ParseProvenance("x.prov", wrap(tt.text))
			var e *provenance.MalformedError
			if !errors.As(err, &e) || e.File != "x.prov" || !strings.Contains(e.Reason, tt.reason) {
				t.Errorf("want MalformedError %q, got %v", tt.reason, err)
			}
		})
	}
	p, err := provenance.ParseProvenance("ok.prov", f.signed)
	if err != nil || p.Metadata.Name != "demo" || p.Files["demo-1.2.3.tgz"] != provenance.Digest(f.archiveData) {
		t.Errorf("parse of a good file: %+v, %v", p, err)
	}
}

// TestVerifyArchiveInMemory is the path downloads take: the archive is
// checked before it is written anywhere.
func TestVerifyArchiveInMemory(t *testing.T) {
	f := newSignedFixture(t)
	kr, err := provenance.LoadKeyring(context.Background(), f.pubring)
	if err != nil {
		t.Fatal(err)
	}
	p, err := provenance.ParseProvenance("https://example.com/demo-1.2.3.tgz.prov", f.signed)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := kr.VerifyArchive("demo-1.2.3.tgz", f.archiveData, p); err != nil || v.ChartVersion != "1.2.3" {
		t.Errorf("VerifyArchive: %+v, %v", v, err)
	}
	var e *provenance.DigestMismatchError
	if _, err := kr.VerifyArchive("demo-1.2.3.tgz", f.archiveData[1:], p); !errors.As(err, &e) || e.Prov != p.Name {
		t.Errorf("VerifyArchive of a truncated archive: %v", err)
	}
}

func TestLoadKeyringErrors(t *testing.T) {
	dir := t.TempDir()
	keybox := append([]byte{0, 0, 0, 32, 1, 2, 0, 0}, []byte("KBXf")...)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "neither a binary OpenPGP keyring nor ASCII-armored keys"},
		{"text", []byte("hello\n"), "neither a binary OpenPGP keyring nor ASCII-armored keys"},
		{"keybox", append(keybox, make([]byte, 20)...), "GnuPG keybox"},
		{"armored garbage", []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----\n"), "keyring"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name)
			mustWrite(t, p, tt.data)
			_, err := provenance.LoadKeyring(context.Background(), p)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p) {
				t.Errorf("want an error naming %s and saying %q, got %v", p, tt.want, err)
			}
		})
	}
	if _, err := provenance.LoadKeyring(context.Background(), filepath.Join(dir, "absent")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing keyring: %v", err)
	}
}
