package provenance_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/provenance"
)

// TestSignKeySelection picks keys by user ID as Helm does, and says why
// when it cannot.
func TestSignKeySelection(t *testing.T) {
	alice := newKey(t, "Alice Charts", "alice@example.com", false)
	alicia := newKey(t, "Alicia Charts", "alicia@example.com", false)
	bob := newKey(t, "Bob", "bob@example.com", false)
	two := writeKeyring(t, keyringOpts{Secret: true}, alice, alicia, bob)
	one := writeKeyring(t, keyringOpts{Secret: true, Armored: true}, bob)
	public := writeKeyring(t, keyringOpts{}, alice)
	tests := []struct {
		name, keyring, key string
		wantSigner         string // user ID of the key that must sign
		wantErr            string
	}{
		{name: "exact user ID", keyring: two, key: "Alice Charts (kpkg test) <alice@example.com>", wantSigner: "Alice Charts"},
		{name: "part of a user ID", keyring: two, key: "bob@", wantSigner: "Bob"},
		{name: "only key, no name", keyring: one, wantSigner: "Bob"},
		{name: "ambiguous", keyring: two, key: "Ali", wantErr: `2 keys in keyring ` + two + ` have a user ID containing "Ali"`},
		{name: "absent", keyring: two, key: "carol", wantErr: `no key in keyring ` + two + ` has a user ID containing "carol"`},
		{name: "several keys, no name", keyring: two, wantErr: "holds 3 secret keys"},
		{name: "public keyring", keyring: public, key: "alice", wantErr: "holds only the public part"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := provenance.NewSigner(context.Background(), provenance.SignOptions{Keyring: tt.keyring, Key: tt.key})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("want error %q, got %v", tt.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(s.Identity, tt.wantSigner) {
				t.Errorf("signer %q, want %q", s.Identity, tt.wantSigner)
			}
		})
	}
}

// TestSignEncryptedKey unlocks an encrypted key only with its passphrase.
func TestSignEncryptedKey(t *testing.T) {
	ctx := context.Background()
	key := newKey(t, "Locked", "locked@example.com", false)
	secring := writeKeyring(t, keyringOpts{Secret: true, Passphrase: "s3cret"}, key)
	pubring := writeKeyring(t, keyringOpts{}, key)
	archive := demoArchive(t, t.TempDir())
	var asked []string
	passphrase := func(p string) func(string) ([]byte, error) {
		return func(id string) ([]byte, error) { asked = append(asked, id); return []byte(p), nil }
	}

	_, err := provenance.Sign(ctx, archive, provenance.SignOptions{Keyring: secring, Key: "locked"})
	if !errors.Is(err, provenance.ErrPassphraseRequired) || !strings.Contains(err.Error(), secring) {
		t.Errorf("no passphrase: want ErrPassphraseRequired naming the keyring, got %v", err)
	}
	if _, err := provenance.Sign(ctx, archive, provenance.SignOptions{Keyring: secring, Key: "locked", Passphrase: passphrase("wrong")}); err == nil || !strings.Contains(err.Error(), "wrong passphrase?") {
		t.Errorf("wrong passphrase: %v", err)
	}
	failing := func(string) ([]byte, error) { return nil, errors.New("no terminal") }
	if _, err := provenance.Sign(ctx, archive, provenance.SignOptions{Keyring: secring, Passphrase: failing}); err == nil || !strings.Contains(err.Error(), "no terminal") {
		t.Errorf("failing passphrase source: %v", err)
	}
	sig, err := provenance.Sign(ctx, archive, provenance.SignOptions{Keyring: secring, Key: "locked", Passphrase: passphrase("s3cret")})
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, archive+".prov", sig)
	if _, err := provenance.Verify(ctx, archive, archive+".prov", pubring); err != nil {
		t.Errorf("verify: %v", err)
	}
	if want := "Locked (kpkg test) <locked@example.com>"; len(asked) == 0 || asked[len(asked)-1] != want {
		t.Errorf("passphrase asked for %q, want %q", asked, want)
	}
}

func TestSignRefusesBadInput(t *testing.T) {
	key := newKey(t, "K", "k@example.com", false)
	secring := writeKeyring(t, keyringOpts{Secret: true}, key)
	dir := t.TempDir()
	notChart := dir + "/x.tgz"
	mustWrite(t, notChart, []byte("not gzip"))
	for _, p := range []string{dir, notChart, dir + "/absent.tgz"} {
		if _, err := provenance.Sign(context.Background(), p, provenance.SignOptions{Keyring: secring}); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("sign %s: want an error naming it, got %v", p, err)
		}
	}
}
