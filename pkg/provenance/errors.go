package provenance

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels for errors.Is. SignatureError wraps the first two; signing with
// an encrypted key and no way to ask for its passphrase wraps the third.
var (
	// ErrUnknownSigner means the signature was made by a key that the
	// keyring does not hold.
	ErrUnknownSigner = errors.New("signed by a key that is not in the keyring")
	// ErrBadSignature means the keyring holds the signer's key but the
	// signature does not check out: the signed text was altered, or the key
	// is revoked or expired.
	ErrBadSignature = errors.New("signature does not verify")
	// ErrPassphraseRequired means the secret key is encrypted and
	// SignOptions.Passphrase is nil.
	ErrPassphraseRequired = errors.New("the secret key is encrypted and no passphrase was supplied")
)

// MalformedError is a provenance file that cannot be read as one.
type MalformedError struct {
	// File names the provenance file.
	File string
	// Reason says what is wrong, in words.
	Reason string
	// Err is the underlying parse error, if any.
	Err error
}

func (e *MalformedError) Error() string {
	msg := fmt.Sprintf("provenance file %s is malformed: %s", e.File, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *MalformedError) Unwrap() error { return e.Err }

// SignatureError is a signature that does not verify against the keyring.
// errors.Is(err, ErrUnknownSigner) or errors.Is(err, ErrBadSignature) tells
// which.
type SignatureError struct {
	// File names the provenance file; Keyring the keyring it was checked
	// against.
	File    string
	Keyring string
	// KeyID is the signing key's ID (16 upper-case hex digits) as the
	// signature states it, or "" when it states none.
	KeyID string
	// Kind is ErrUnknownSigner or ErrBadSignature; Cause is the OpenPGP
	// library's error.
	Kind  error
	Cause error
}

func (e *SignatureError) Error() string {
	key := "an unnamed key"
	if e.KeyID != "" {
		key = "key " + e.KeyID
	}
	if errors.Is(e.Kind, ErrUnknownSigner) {
		return fmt.Sprintf("provenance file %s is signed by %s, which is not in keyring %s", e.File, key, e.Keyring)
	}
	msg := fmt.Sprintf("provenance file %s: the signature by %s does not verify against keyring %s", e.File, key, e.Keyring)
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

func (e *SignatureError) Unwrap() []error { return []error{e.Kind, e.Cause} }

// DigestMismatchError is an archive whose SHA-256 digest differs from the
// one its provenance file signs: the archive was changed after signing.
type DigestMismatchError struct {
	// File is the archive's base name; Prov names the provenance file.
	File string
	Prov string
	// Signed is the digest the provenance file states, Actual the
	// archive's; both "sha256:<hex>".
	Signed string
	Actual string
}

func (e *DigestMismatchError) Error() string {
	return fmt.Sprintf("chart archive %s does not match provenance file %s: the signed digest is %s but the archive's is %s", e.File, e.Prov, e.Signed, e.Actual)
}

// MissingFileError is a provenance file that signs other files than the
// archive being checked (usually the archive was renamed).
type MissingFileError struct {
	// File is the archive's base name; Prov names the provenance file.
	File string
	Prov string
	// Listed are the file names the provenance file does sign.
	Listed []string
}

func (e *MissingFileError) Error() string {
	return fmt.Sprintf("provenance file %s signs no file named %s (it signs %s)", e.Prov, e.File, strings.Join(e.Listed, ", "))
}
