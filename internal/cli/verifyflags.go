package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/provenance"
	"github.com/kpkg/kpkg/pkg/repo"
)

// verifyFlags are --verify and --keyring, shared by every command that
// reads a CHART (install, upgrade, template, show, pull, diff) and by the
// dependency commands; pull adds --prov.
type verifyFlags struct {
	verify  bool
	keyring string
	prov    bool
}

func (f *verifyFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&f.verify, "verify", false, "verify the chart against its provenance file before using it; refuse it if the signature or digest does not match")
	fs.StringVar(&f.keyring, "keyring", provenance.DefaultPublicKeyring(os.Getenv), "keyring of trusted public keys for --verify")
}

// registerProv adds pull's --prov.
func (f *verifyFlags) registerProv(fs *pflag.FlagSet) {
	fs.BoolVar(&f.prov, "prov", false, "download the provenance file too, without verifying it")
}

func (f *verifyFlags) options() repo.ProvenanceOptions {
	return repo.ProvenanceOptions{Fetch: f.prov, Verify: f.verify, Keyring: f.keyring}
}

// printVerification writes what a verification established in Helm's
// words, so scripts that read 'helm verify' read kpkg's output too.
func printVerification(w io.Writer, v *provenance.Verification) {
	for _, id := range v.SignedBy {
		fmt.Fprintf(w, "Signed by: %s\n", id)
	}
	fmt.Fprintf(w, "Using Key With Fingerprint: %s\n", v.Fingerprint)
	fmt.Fprintf(w, "Chart Hash Verified: %s\n", v.FileHash)
}

// readProvBeside reads "<archive>.prov" when it exists, as Helm pushes it
// with the chart; nil when there is none.
func readProvBeside(archive string) ([]byte, error) {
	fh, err := os.Open(archive + ".prov")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read provenance file: %w", err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, provenance.MaxProvenanceSize+1))
	if err != nil {
		return nil, fmt.Errorf("read provenance file %s.prov: %w", archive, err)
	}
	return data, nil
}
