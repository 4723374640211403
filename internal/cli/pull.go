package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/repo"
)

func newPullCommand(streams IO) *cobra.Command {
	var cp chartPathFlags
	var opts repo.PullOptions
	cmd := &cobra.Command{
		Use:     "pull [chart URL | repo/chartname | oci://host/path/chart] [...]",
		Aliases: []string{"fetch"},
		Short:   "download a chart from a repository and (optionally) unpack it in local directory",
		Long: `Download a chart archive. Archives listed in a repository index are checked
against the index's SHA-256 digest; on a mismatch nothing is saved.

OCI references take a tag (oci://host/path/chart:1.2.3), a digest
(oci://host/path/chart@sha256:...) or --version, which may be a SemVer
constraint: kpkg then picks the newest matching tag.

--prov also saves the chart's provenance file (CHART.tgz.prov, or the
provenance layer of an OCI chart); --verify checks the chart against it with
--keyring first, and on failure saves nothing.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, ref := range args {
				res, err := repo.Pull(cmd.Context(), cp.request(cmd, ref), opts)
				if err != nil {
					return err
				}
				if res.ManifestDigest != "" {
					fmt.Fprintf(streams.Out, "Pulled: %s\nDigest: %s\n", res.Source, res.ManifestDigest)
				}
				if res.Verification != nil {
					printVerification(streams.Out, res.Verification)
				} else if res.ProvErr != nil {
					fmt.Fprintf(streams.Err, "WARNING: %s has no provenance file: %v\n", ref, res.ProvErr)
				}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	cp.register(fs)
	cp.verify.register(fs)
	cp.verify.registerProv(fs)
	fs.StringVarP(&opts.DestDir, "destination", "d", ".", "location to write the chart. If this and untardir are specified, untardir is appended to this")
	fs.BoolVar(&opts.Untar, "untar", false, "if set to true, will untar the chart after downloading it")
	fs.StringVar(&opts.UntarDir, "untardir", ".", "if untar is specified, this flag specifies the name of the directory into which the chart is expanded")
	return cmd
}
