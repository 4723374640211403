package provenance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// Size limits. A provenance file is a few kilobytes; a keyring holds keys,
// not data. Anything larger is refused before it is parsed.
const (
	MaxProvenanceSize = 4 << 20
	MaxKeyringSize    = 64 << 20
)

// Keyring is the set of OpenPGP keys read from one keyring file.
type Keyring struct {
	// Name is where the keys came from, for messages.
	Name     string
	entities openpgp.EntityList
}

// DefaultPublicKeyring is where Helm looks for the keys that verify
// charts: $GNUPGHOME/pubring.gpg, or ~/.gnupg/pubring.gpg.
func DefaultPublicKeyring(getenv func(string) string) string {
	return gnupgFile(getenv, "pubring.gpg")
}

// DefaultSecretKeyring is GnuPG 1's secret keyring, which Helm's
// documentation signs with: $GNUPGHOME/secring.gpg, or
// ~/.gnupg/secring.gpg. GnuPG 2.1 and later keep no such file; export one
// with "gpg --export-secret-keys > secring.gpg".
func DefaultSecretKeyring(getenv func(string) string) string {
	return gnupgFile(getenv, "secring.gpg")
}

func gnupgFile(getenv func(string) string, name string) string {
	if dir := getenv("GNUPGHOME"); dir != "" {
		return filepath.Join(dir, name)
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".gnupg", name)
}

// LoadKeyring reads the keyring file at path, binary or ASCII-armored.
func LoadKeyring(ctx context.Context, path string) (*Keyring, error) {
	data, err := readBounded(ctx, path, MaxKeyringSize, "keyring")
	if err != nil {
		return nil, err
	}
	return ParseKeyring(path, data)
}

// KeyboxError: the keyring is a GnuPG 2 keybox, a format no OpenPGP library
// reads; its keys must be exported to a keyring file first.
type KeyboxError struct{ Keyring string }

func (e *KeyboxError) Error() string {
	return fmt.Sprintf("keyring %s is a GnuPG keybox (.kbx), which cannot be read", e.Keyring)
}

// ParseKeyring reads keys from data: a binary keyring (packets one after
// another, as "gpg --export" writes) or one or more ASCII-armored key
// blocks. name labels the keyring in messages.
func ParseKeyring(name string, data []byte) (*Keyring, error) {
	if len(data) > MaxKeyringSize {
		return nil, fmt.Errorf("keyring %s is larger than the %d bytes allowed", name, MaxKeyringSize)
	}
	if len(data) >= 12 && string(data[8:12]) == "KBXf" {
		return nil, &KeyboxError{Keyring: name}
	}
	var list openpgp.EntityList
	var err error
	switch {
	case len(data) > 0 && data[0]&0x80 != 0:
		// Every binary OpenPGP packet starts with a tag byte whose top bit
		// is set; text never does.
		list, err = openpgp.ReadKeyRing(bytes.NewReader(data))
	case bytes.HasPrefix(data, armorStart[1:]):
		list, err = readArmoredKeys(data)
	case bytes.Contains(data, armorStart):
		list, err = readArmoredKeys(data[bytes.Index(data, armorStart)+1:])
	default:
		return nil, fmt.Errorf("keyring %s is neither a binary OpenPGP keyring nor ASCII-armored keys", name)
	}
	if err != nil {
		return nil, fmt.Errorf("keyring %s: %w", name, err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("keyring %s holds no OpenPGP keys", name)
	}
	return &Keyring{Name: name, entities: list}, nil
}

var armorStart = []byte("\n-----BEGIN PGP ")

// readArmoredKeys reads every armored block in data: files made by
// concatenating several "gpg --export --armor" outputs hold more than one,
// and the library reads only the first block it is given.
func readArmoredKeys(data []byte) (openpgp.EntityList, error) {
	var out openpgp.EntityList
	for len(data) > 0 {
		end := len(data)
		if i := bytes.Index(data[1:], armorStart); i >= 0 {
			end = i + 2
		}
		list, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data[:end]))
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
		data = data[end:]
	}
	return out, nil
}

// readBounded reads a regular file of at most limit bytes.
func readBounded(ctx context.Context, path string, limit int64, what string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("read %s: %s is a directory", what, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", what, path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s %s is larger than the %d bytes allowed", what, path, limit)
	}
	return data, nil
}
