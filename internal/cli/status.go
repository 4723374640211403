package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/release"
)

func newStatusCommand(streams IO) *cobra.Command {
	var output outputFormat
	var revision int
	var o statusOptions
	cmd := &cobra.Command{
		Use:   "status RELEASE_NAME",
		Short: "display the status of the named release",
		Long: `Display the status of the named release: last deployment time, namespace,
status, revision, the last test run and the chart's notes, as 'helm status'
does. --show-desc adds the revision's description; --show-resources lists
every object of the revision with its live readiness, read from the
cluster (kpkg's table; with -o json or yaml, a "resources" list).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, ns, err := kubeOf(cmd).releaseConfig(streams)
			if err != nil {
				return err
			}
			res := &release.StatusResult{}
			if o.showResources {
				res, err = release.GetStatus(cmd.Context(), cfg, ns, args[0], revision)
			} else {
				res.Release, err = release.Get(cmd.Context(), cfg, ns, args[0], revision)
			}
			if err != nil {
				return err
			}
			o.resources = res.Resources
			// As Helm, the chart is left out of the output.
			rel := *res.Release
			rel.Chart = nil
			res.Release = &rel
			return output.write(streams.Out, res, func(w io.Writer) error {
				return printRelease(w, res.Release, o)
			})
		},
	}
	fs := cmd.Flags()
	addOutputFlag(fs, &output)
	fs.IntVar(&revision, "revision", 0, "if set, display the status of the named release with revision")
	fs.BoolVar(&o.showDescription, "show-desc", false, "if set, display the description message of the named release")
	fs.BoolVar(&o.showResources, "show-resources", false, "if set, display the resources of the named release")
	return cmd
}
