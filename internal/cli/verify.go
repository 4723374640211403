package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/provenance"
)

func newVerifyCommand(streams IO) *cobra.Command {
	var keyring string
	cmd := &cobra.Command{
		Use:   "verify PATH",
		Short: "verify that a chart at the given path has been signed and is valid",
		Long: `Check a packaged chart against the provenance file beside it (PATH.prov):
the signature must come from a key in --keyring, and the archive's SHA-256
digest must be the signed one. Provenance files are Helm's: charts signed by
'helm package --sign' verify here, and charts signed by 'kpkg package --sign'
verify with 'helm verify'.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if fi, err := os.Stat(path); err == nil && fi.IsDir() {
				return fmt.Errorf("%s is a chart directory; only packaged charts can be verified (make one with 'kpkg package --sign')", path)
			} else if err == nil && !strings.EqualFold(filepath.Ext(path), ".tgz") {
				return fmt.Errorf("%s is not a packaged chart (.tgz)", path)
			}
			v, err := provenance.Verify(cmd.Context(), path, path+".prov", keyring)
			if err != nil {
				return err
			}
			printVerification(streams.Out, v)
			return nil
		},
	}
	cmd.Flags().StringVar(&keyring, "keyring", provenance.DefaultPublicKeyring(os.Getenv), "keyring of trusted public keys")
	return cmd
}
