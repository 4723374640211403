package provenance

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Verification is what a successful check established.
type Verification struct {
	// SignedBy are the signer's user IDs ("Name (Comment) <email>"),
	// sorted.
	SignedBy []string
	// Fingerprint is the signer's primary key fingerprint in upper-case
	// hex, as Helm prints it.
	Fingerprint string
	// KeyID is the ID of the key that made the signature (a subkey's when
	// a signing subkey did), 16 upper-case hex digits.
	KeyID string
	// SignedAt is when the signature was made, by the signer's clock.
	SignedAt time.Time
	// FileName is the archive's base name and FileHash its digest,
	// "sha256:<hex>".
	FileName string
	FileHash string
	// ChartName and ChartVersion come from the signed Chart.yaml.
	ChartName    string
	ChartVersion string
}

// pgpConfig is the OpenPGP configuration for signing and verifying:
// SHA-512 signatures, as Helm makes them.
func pgpConfig() *packet.Config { return &packet.Config{DefaultHash: crypto.SHA512} }

// Verify checks the chart archive at archivePath against the provenance
// file at provPath with the public keys in keyringPath: the signature must
// be made by a key in the keyring, and the archive's digest must be the one
// signed for its base name. Errors are *SignatureError, *MalformedError,
// *MissingFileError or *DigestMismatchError when the check itself fails.
func Verify(ctx context.Context, archivePath, provPath, keyringPath string) (*Verification, error) {
	data, err := readBounded(ctx, provPath, MaxProvenanceSize, "provenance file")
	if err != nil {
		return nil, err
	}
	p, err := ParseProvenance(provPath, data)
	if err != nil {
		return nil, err
	}
	kr, err := LoadKeyring(ctx, keyringPath)
	if err != nil {
		return nil, err
	}
	sum, err := digestFile(ctx, archivePath)
	if err != nil {
		return nil, err
	}
	return kr.verify(p, filepath.Base(archivePath), sum)
}

// VerifyArchive checks archive, whose base name is name, against p with
// the keys in k. It is Verify for an archive held in memory, so that a
// download can be checked before anything is written.
func (k *Keyring) VerifyArchive(name string, archive []byte, p *Provenance) (*Verification, error) {
	return k.verify(p, name, Digest(archive))
}

func (k *Keyring) verify(p *Provenance, name, sum string) (*Verification, error) {
	sig, signer, err := openpgp.VerifyDetachedSignature(k.entities, bytes.NewReader(p.signed), bytes.NewReader(p.signature), pgpConfig())
	if err != nil {
		return nil, k.signatureError(p, err)
	}
	signed, ok := p.Files[name]
	if !ok {
		return nil, &MissingFileError{File: name, Prov: p.Name, Listed: p.fileNames()}
	}
	if signed != sum {
		return nil, &DigestMismatchError{File: name, Prov: p.Name, Signed: signed, Actual: sum}
	}
	v := &Verification{
		Fingerprint:  fmt.Sprintf("%X", signer.PrimaryKey.Fingerprint),
		KeyID:        keyIDString(issuerOf(sig)),
		SignedAt:     sig.CreationTime,
		FileName:     name,
		FileHash:     sum,
		ChartName:    p.Metadata.Name,
		ChartVersion: p.Metadata.Version,
	}
	for id := range signer.Identities {
		v.SignedBy = append(v.SignedBy, id)
	}
	sort.Strings(v.SignedBy)
	return v, nil
}

// signatureError sorts the OpenPGP library's verdict into the two cases
// callers act on: a signer nobody trusts, or a signature that is wrong.
func (k *Keyring) signatureError(p *Provenance, err error) error {
	e := &SignatureError{File: p.Name, Keyring: k.Name, KeyID: keyIDString(p.keyID), Kind: ErrBadSignature, Cause: err}
	if errors.Is(err, pgperrors.ErrUnknownIssuer) {
		e.Kind = ErrUnknownSigner
	}
	return e
}

func keyIDString(id uint64) string {
	if id == 0 {
		return ""
	}
	return fmt.Sprintf("%016X", id)
}

// Digest is "sha256:<hex>" of data, the form provenance files use.
func Digest(data []byte) string {
	s := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(s[:])
}

// digestFile is Digest of a file, read as a stream.
func digestFile(ctx context.Context, path string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read chart archive: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return "", fmt.Errorf("read chart archive: %w", err)
	} else if fi.IsDir() {
		return "", fmt.Errorf("%s is a directory, not a chart archive", path)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read chart archive %s: %w", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
