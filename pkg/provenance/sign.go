package provenance

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/kpkg/kpkg/pkg/chart"
)

// SignOptions choose the key that signs. The zero value signs with the only
// secret key in DefaultSecretKeyring, if it is not encrypted.
type SignOptions struct {
	// Keyring is the secret keyring file, binary or ASCII-armored; empty
	// means DefaultSecretKeyring(os.Getenv).
	Keyring string
	// Key picks the key by user ID, as Helm and GnuPG match names: the key
	// with a user ID equal to Key, else the one key with a user ID that
	// contains it. Empty means the keyring's only secret key.
	Key string
	// Passphrase returns the passphrase of an encrypted key; identity is
	// the key's primary user ID. It is called only for an encrypted key;
	// nil makes an encrypted key an error that wraps ErrPassphraseRequired.
	Passphrase func(identity string) ([]byte, error)
}

// Signer signs chart archives with one unlocked secret key.
type Signer struct {
	// Identity is the key's primary user ID and Fingerprint its primary
	// key fingerprint in upper-case hex, for messages.
	Identity    string
	Fingerprint string
	key         *packet.PrivateKey
}

// Sign signs the chart archive at archivePath and returns the provenance
// file's content, which belongs in archivePath + ".prov".
func Sign(ctx context.Context, archivePath string, opts SignOptions) ([]byte, error) {
	data, err := readBounded(ctx, archivePath, chart.MaxChartSize, "chart archive")
	if err != nil {
		return nil, err
	}
	s, err := NewSigner(ctx, opts)
	if err != nil {
		return nil, err
	}
	return s.sign(archivePath, filepath.Base(archivePath), data)
}

// NewSigner reads the keyring, picks the key and unlocks it (asking
// opts.Passphrase once), so that several archives can be signed with one
// passphrase prompt.
func NewSigner(ctx context.Context, opts SignOptions) (*Signer, error) {
	path := opts.Keyring
	if path == "" {
		path = DefaultSecretKeyring(os.Getenv)
	}
	kr, err := LoadKeyring(ctx, path)
	if err != nil {
		return nil, err
	}
	e, err := kr.find(opts.Key)
	if err != nil {
		return nil, err
	}
	identity := "(no user ID)"
	if id := e.PrimaryIdentity(); id != nil {
		identity = id.Name
	}
	key, ok := e.SigningKey(time.Now())
	switch {
	case !ok:
		return nil, fmt.Errorf("key %q in keyring %s cannot sign: it is expired or revoked, or has no signing key", identity, kr.Name)
	case key.PrivateKey == nil:
		return nil, fmt.Errorf("keyring %s holds only the public part of key %q; signing needs a keyring with its secret key", kr.Name, identity)
	case key.PrivateKey.Dummy():
		return nil, fmt.Errorf("keyring %s holds a stub instead of the secret signing key of %q (the key lives on a smartcard or elsewhere)", kr.Name, identity)
	}
	if key.PrivateKey.Encrypted {
		if opts.Passphrase == nil {
			return nil, fmt.Errorf("key %q in keyring %s: %w", identity, kr.Name, ErrPassphraseRequired)
		}
		pass, err := opts.Passphrase(identity)
		if err != nil {
			return nil, fmt.Errorf("passphrase for key %q: %w", identity, err)
		}
		if err := key.PrivateKey.Decrypt(pass); err != nil {
			return nil, fmt.Errorf("unlock key %q in keyring %s (wrong passphrase?): %w", identity, kr.Name, err)
		}
	}
	return &Signer{Identity: identity, Fingerprint: fmt.Sprintf("%X", e.PrimaryKey.Fingerprint), key: key.PrivateKey}, nil
}

// Sign signs archive, whose base name is name, and returns the provenance
// file's content. The chart metadata is read from the archive itself.
func (s *Signer) Sign(name string, archive []byte) ([]byte, error) {
	return s.sign(name, name, archive)
}

// sign is Sign with origin naming the archive in errors (its path, when it
// was read from one).
func (s *Signer) sign(origin, name string, archive []byte) ([]byte, error) {
	c, err := chart.LoadArchive(origin, bytes.NewReader(archive))
	if err != nil {
		return nil, err
	}
	text, err := messageText(c.Metadata, name, Digest(archive))
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", origin, err)
	}
	var out bytes.Buffer
	w, err := clearsign.Encode(&out, s.key, pgpConfig())
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", origin, err)
	}
	// On a failed write the encoder is not closed: closing is what signs,
	// and a partial text must not be signed.
	if _, err := w.Write(text); err != nil {
		return nil, fmt.Errorf("sign %s: %w", origin, err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("sign %s: %w", origin, err)
	}
	return out.Bytes(), nil
}

// find picks the entity opts.Key names: an exact user ID first, then the
// only entity with a user ID containing it. Empty picks the only entity
// that has a secret key.
func (k *Keyring) find(id string) (*openpgp.Entity, error) {
	if id == "" {
		var secret []*openpgp.Entity
		for _, e := range k.entities {
			if e.PrivateKey != nil {
				secret = append(secret, e)
			}
		}
		switch len(secret) {
		case 0:
			return nil, fmt.Errorf("keyring %s holds no secret keys", k.Name)
		case 1:
			return secret[0], nil
		}
		return nil, fmt.Errorf("keyring %s holds %d secret keys (%s); name the one to sign with", k.Name, len(secret), identities(secret))
	}
	var matches []*openpgp.Entity
	for _, e := range k.entities {
		if _, ok := e.Identities[id]; ok {
			return e, nil
		}
		for name := range e.Identities {
			if strings.Contains(name, id) {
				matches = append(matches, e)
				break
			}
		}
	}
	switch len(matches) {
	case 0:
		return nil, fmt.Errorf("no key in keyring %s has a user ID containing %q", k.Name, id)
	case 1:
		return matches[0], nil
	}
	return nil, fmt.Errorf("%d keys in keyring %s have a user ID containing %q (%s); name one exactly", len(matches), k.Name, id, identities(matches))
}

// identities lists the primary user IDs of es, sorted, for messages.
func identities(es []*openpgp.Entity) string {
	var names []string
	for _, e := range es {
		if id := e.PrimaryIdentity(); id != nil {
			names = append(names, fmt.Sprintf("%q", id.Name))
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
