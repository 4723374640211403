package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/kpkg/kpkg/pkg/provenance"
)

// signFlags are package's --sign, --key, --keyring and --passphrase-file.
type signFlags struct {
	sign           bool
	key            string
	keyring        string
	passphraseFile string
}

func (f *signFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&f.sign, "sign", false, "sign the package with a PGP private key, writing CHART.tgz.prov beside it")
	fs.StringVar(&f.key, "key", "", "name of the key to sign with: a user ID, or a part of one that only one key has. Used with --sign")
	fs.StringVar(&f.keyring, "keyring", provenance.DefaultSecretKeyring(os.Getenv), "keyring holding the secret key for --sign (binary or ASCII-armored)")
	fs.StringVar(&f.passphraseFile, "passphrase-file", "", `file whose first line is the signing key's passphrase; "-" reads it from stdin`)
}

// signOptions turns the flags into signing options; the passphrase is
// read only if the key turns out to be encrypted.
func (f *signFlags) signOptions(streams IO) (provenance.SignOptions, error) {
	if f.key == "" {
		return provenance.SignOptions{}, errors.New("--sign needs --key NAME: a user ID (or a unique part of one) of a key in --keyring")
	}
	return provenance.SignOptions{Keyring: f.keyring, Key: f.key, Passphrase: f.passphrase(streams)}, nil
}

func (f *signFlags) passphrase(streams IO) func(string) ([]byte, error) {
	return func(identity string) ([]byte, error) {
		switch f.passphraseFile {
		case "-":
			return firstLine(streams.In, "stdin")
		case "":
			return promptPassphrase(streams, identity)
		}
		fh, err := os.Open(f.passphraseFile)
		if err != nil {
			return nil, fmt.Errorf("read --passphrase-file: %w", err)
		}
		defer fh.Close()
		return firstLine(fh, f.passphraseFile)
	}
}

// firstLine is the passphrase in a passphrase file: its first line,
// without the line ending.
func firstLine(r io.Reader, name string) ([]byte, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read passphrase from %s: %w", name, err)
	}
	return []byte(strings.TrimRight(line, "\r\n")), nil
}

// promptPassphrase asks on the terminal, without echo; with no terminal
// it says how to pass the passphrase instead.
func promptPassphrase(streams IO, identity string) ([]byte, error) {
	in, ok := streams.In.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return nil, fmt.Errorf("key %q is encrypted and there is no terminal to ask for its passphrase; use --passphrase-file FILE (or - for stdin)", identity)
	}
	fmt.Fprintf(streams.Err, "Passphrase for key %q: ", identity)
	pass, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(streams.Err)
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	return pass, nil
}

// newSigner unlocks the signing key once for all the charts a package
// command signs.
func newSigner(cmd *cobra.Command, streams IO, f *signFlags) (*provenance.Signer, error) {
	opts, err := f.signOptions(streams)
	if err != nil {
		return nil, err
	}
	return provenance.NewSigner(cmd.Context(), opts)
}
