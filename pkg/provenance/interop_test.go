package provenance_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	helmprov "helm.sh/helm/v3/pkg/provenance"

	"github.com/kpkg/kpkg/pkg/provenance"
)

// TestHelmInterop signs with kpkg and verifies with Helm's library, and the
// other way round, for each kind of key and keyring file; both must also
// sign the same text byte for byte.
func TestHelmInterop(t *testing.T) {
	tests := []struct {
		name       string
		rsa        bool
		armored    bool
		passphrase string
	}{
		{name: "ed25519 binary"},
		{name: "ed25519 armored", armored: true},
		{name: "ed25519 encrypted", passphrase: "correct horse"},
		{name: "rsa binary encrypted", rsa: true, passphrase: "battery staple"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			key := newKey(t, "Chart Signer", "signer@example.com", tt.rsa)
			// Helm reads binary keyrings only; kpkg reads both.
			helmSecring := writeKeyring(t, keyringOpts{Secret: true, Passphrase: tt.passphrase}, key)
			secring := writeKeyring(t, keyringOpts{Secret: true, Armored: tt.armored, Passphrase: tt.passphrase}, key)
			pubring := writeKeyring(t, keyringOpts{Armored: tt.armored}, key)
			helmPubring := writeKeyring(t, keyringOpts{}, key)
			pass := func(string) ([]byte, error) { return []byte(tt.passphrase), nil }

			kpkgDir, helmDir := t.TempDir(), t.TempDir()
			kpkgArchive, helmArchive := demoArchive(t, kpkgDir), demoArchive(t, helmDir)
			byKpkg, err := provenance.Sign(ctx, kpkgArchive, provenance.SignOptions{Keyring: secring, Key: "signer@example.com", Passphrase: pass})
			if err != nil {
				t.Fatal(err)
			}
			mustWrite(t, kpkgArchive+".prov", byKpkg)
			byHelm := helmSign(t, helmArchive, helmSecring, "signer@example.com", tt.passphrase)
			mustWrite(t, helmArchive+".prov", byHelm)

			if a, b := signedText(t, byKpkg), signedText(t, byHelm); a != b {
				t.Errorf("signed text differs:\nkpkg:\n%s\nhelm:\n%s", a, b)
			}
			helmVerify(t, kpkgArchive, helmPubring, key.PrimaryKey.Fingerprint)
			v, err := provenance.Verify(ctx, helmArchive, helmArchive+".prov", pubring)
			if err != nil {
				t.Fatalf("kpkg verify of Helm's signature: %v", err)
			}
			want := provenance.Verification{
				SignedBy:     []string{"Chart Signer (kpkg test) <signer@example.com>"},
				Fingerprint:  fmt.Sprintf("%X", key.PrimaryKey.Fingerprint),
				FileName:     "demo-1.2.3.tgz",
				FileHash:     provenance.Digest(mustRead(t, helmArchive)),
				ChartName:    "demo",
				ChartVersion: "1.2.3",
			}
			got := *v
			if time.Since(got.SignedAt) > time.Minute || len(got.KeyID) != 16 {
				t.Errorf("signed at %v by key ID %q", got.SignedAt, got.KeyID)
			}
			got.KeyID, got.SignedAt = "", time.Time{}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("verification:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// helmSign is 'helm package --sign' through Helm's library.
func helmSign(t *testing.T, archive, keyring, key, passphrase string) []byte {
	t.Helper()
	s, err := helmprov.NewFromKeyring(keyring, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DecryptKey(func(string) ([]byte, error) { return []byte(passphrase), nil }); err != nil {
		t.Fatal(err)
	}
	sig, err := s.ClearSign(archive)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(sig)
}

// helmVerify is 'helm verify' through Helm's library; it must accept the
// signature and name the expected key.
func helmVerify(t *testing.T, archive, keyring string, fingerprint []byte) {
	t.Helper()
	s, err := helmprov.NewFromKeyring(keyring, "")
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.Verify(archive, archive+".prov")
	if err != nil {
		t.Fatalf("Helm rejects kpkg's signature: %v", err)
	}
	if fmt.Sprintf("%X", v.SignedBy.PrimaryKey.Fingerprint) != fmt.Sprintf("%X", fingerprint) || v.FileName != filepath.Base(archive) {
		t.Errorf("Helm verified %s signed by %X", v.FileName, v.SignedBy.PrimaryKey.Fingerprint)
	}
}

func signedText(t *testing.T, prov []byte) string {
	t.Helper()
	b, _ := clearsign.Decode(prov)
	if b == nil {
		t.Fatalf("not a clear-signed message:\n%s", prov)
	}
	return string(b.Plaintext)
}

// helmRejects reports whether Helm's library refuses archive with the
// provenance file beside it, so each failure case is checked against Helm.
func helmRejects(archive, keyring string) bool {
	s, err := helmprov.NewFromKeyring(keyring, "")
	if err != nil {
		return true
	}
	_, err = s.Verify(archive, archive+".prov")
	return err != nil
}
