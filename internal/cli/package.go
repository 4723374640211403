package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/repo"
)

func newPackageCommand(streams IO) *cobra.Command {
	var opts repo.PackageOptions
	var sign signFlags
	cmd := &cobra.Command{
		Use:   "package [CHART_PATH] [...]",
		Short: "package a chart directory into a chart archive",
		Long: `Write CHART_PATH as <name>-<version>.tgz in Helm's layout. The archive is
reproducible: the same chart gives the same bytes (entries dated at the Unix
epoch, or at SOURCE_DATE_EPOCH when set; fixed owners and order; no gzip
timestamp). .helmignore is honoured.

--sign signs the archive with the key --key names in --keyring and writes
its provenance file, <name>-<version>.tgz.prov, beside it, as 'helm package
--sign' does; 'kpkg verify' and 'helm verify' check it.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			mtime, err := sourceDateEpoch()
			if err != nil {
				return err
			}
			opts.ModTime = mtime
			opts.Dependencies = repo.DependencyOptions{Paths: repoPaths(cmd), Log: warnTo(streams.Err), Auth: repo.Auth{Downloaders: repoDownloaders(cmd)}}
			if sign.sign {
				if opts.Signer, err = newSigner(cmd, streams, &sign); err != nil {
					return err
				}
			}
			for _, dir := range args {
				out, err := repo.Package(cmd.Context(), dir, opts)
				if err != nil {
					return err
				}
				fmt.Fprintf(streams.Out, "Successfully packaged chart and saved it to: %s\n", out)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	sign.register(fs)
	fs.StringVar(&opts.Version, "version", "", "set the version on the chart to this semver version")
	fs.StringVar(&opts.AppVersion, "app-version", "", "set the appVersion on the chart to this version")
	fs.StringVarP(&opts.DestDir, "destination", "d", ".", "location to write the chart.")
	fs.BoolVarP(&opts.DependencyUpdate, "dependency-update", "u", false, `update dependencies from "Chart.yaml" to dir "charts/" before packaging`)
	return cmd
}
