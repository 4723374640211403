package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/repo"
)

// newShowVersionsCommand is 'kpkg show versions', meant to be attached to
// the show command.
func newShowVersionsCommand(streams IO) *cobra.Command {
	var cp chartPathFlags
	var output outputFormat
	cmd := &cobra.Command{
		Use:   "versions [oci://host/path/chart | repo/chart]",
		Short: "list a chart's versions, newest first",
		Long: `List the versions of a chart newest first by SemVer. For oci:// references
this lists the registry's tags (Helm cannot); for REPO/CHART or --repo, the
index's versions. --version filters by a SemVer constraint; --devel admits
pre-releases.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			versions, err := repo.ListVersions(cmd.Context(), cp.request(cmd, args[0]))
			if err != nil {
				return err
			}
			if versions == nil {
				versions = []string{}
			}
			return output.write(streams.Out, versions, func(w io.Writer) error {
				for _, v := range versions {
					fmt.Fprintln(w, v)
				}
				return nil
			})
		},
	}
	cp.register(cmd.Flags())
	addOutputFlag(cmd.Flags(), &output)
	return cmd
}
