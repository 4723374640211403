// Package provenancetest makes OpenPGP keys and keyring files for tests of
// code that signs or verifies charts, so that no test depends on GnuPG or
// on keys checked into the repository.
package provenancetest

import (
	"bytes"
	"crypto"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// NewKey generates a key with the user ID "name (kpkg test) <email>",
// created an hour ago. Ed25519 keeps tests fast; rsa asks for a 2048-bit
// RSA key, which GnuPG made by default for years.
func NewKey(t testing.TB, name, email string, rsa bool) *openpgp.Entity {
	t.Helper()
	cfg := &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, DefaultHash: crypto.SHA256, Time: func() time.Time { return time.Now().Add(-time.Hour) }}
	if rsa {
		cfg.Algorithm, cfg.RSABits = packet.PubKeyAlgoRSA, 2048
	}
	e, err := openpgp.NewEntity(name, "kpkg test", email, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// KeyringOptions say how WriteKeyring writes keys. The zero value writes
// public keys in binary, as "gpg --export" does.
type KeyringOptions struct {
	// Secret writes the secret keys, as "gpg --export-secret-keys" does.
	Secret bool
	// Armored writes one ASCII-armored block instead of binary packets.
	Armored bool
	// Passphrase encrypts the secret keys; the entities stay unlocked.
	Passphrase string
}

// WriteKeyring writes es to a new file in a temporary directory and
// returns its path.
func WriteKeyring(t testing.TB, o KeyringOptions, es ...*openpgp.Entity) string {
	t.Helper()
	var buf bytes.Buffer
	var w io.Writer = &buf
	var closer io.Closer
	if o.Armored {
		blockType := openpgp.PublicKeyType
		if o.Secret {
			blockType = openpgp.PrivateKeyType
		}
		aw, err := armor.Encode(&buf, blockType, nil)
		if err != nil {
			t.Fatal(err)
		}
		w, closer = aw, aw
	}
	for _, e := range es {
		var err error
		switch {
		case !o.Secret:
			err = e.Serialize(w)
		case o.Passphrase != "":
			err = serializeEncrypted(w, e, o.Passphrase)
		default:
			err = e.SerializePrivate(w, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if closer != nil {
		if err := closer.Close(); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(t.TempDir(), "keyring.gpg")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// serializeEncrypted writes e's secret keys encrypted with passphrase. It
// encrypts a copy, made by reading e's serialised form back, so that e
// itself stays unlocked.
func serializeEncrypted(w io.Writer, e *openpgp.Entity, passphrase string) error {
	var plain bytes.Buffer
	if err := e.SerializePrivate(&plain, nil); err != nil {
		return err
	}
	c, err := openpgp.ReadEntity(packet.NewReader(&plain))
	if err != nil {
		return err
	}
	if err := c.EncryptPrivateKeys([]byte(passphrase), nil); err != nil {
		return err
	}
	return c.SerializePrivateWithoutSigning(w, nil)
}
