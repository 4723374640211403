package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/release"
)

func newStatusCommand(streams IO) *cobra.Command {
	var output outputFormat
	var revision int
	cmd := &cobra.Command{
		Use:   "status RELEASE_NAME",
		Short: "Display the status of the named release and the live readiness of its objects",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, ns, err := kubeOf(cmd).releaseConfig(streams)
			if err != nil {
				return err
			}
			res, err := release.GetStatus(cmd.Context(), cfg, ns, args[0], revision)
			if err != nil {
				return err
			}
			return output.write(streams.Out, res, func(w io.Writer) error {
				return printRelease(w, res.Release, statusOptions{resources: res.Resources})
			})
		},
	}
	fs := cmd.Flags()
	addOutputFlag(fs, &output)
	fs.IntVar(&revision, "revision", 0, "if set, display the status of the named release with revision")
	return cmd
}
