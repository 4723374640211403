package cli

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/release"
)

func newTestCommand(streams IO) *cobra.Command {
	k := newKubeFlags()
	var o release.TestOptions
	cmd := &cobra.Command{
		Use:   "test RELEASE",
		Short: "Run the tests of a release",
		Long: `Run the tests of a release: its hooks annotated helm.sh/hook: test, in weight
order, each waited on until it succeeds or fails.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, ns, err := k.releaseConfig(streams)
			if err != nil {
				return err
			}
			rel, err := release.Test(cmd.Context(), cfg, ns, args[0], o)
			if rel != nil {
				err = errors.Join(err, printRelease(streams.Out, rel, statusOptions{}))
			}
			return err
		},
	}
	fs := cmd.Flags()
	k.register(fs)
	fs.DurationVar(&o.Timeout, "timeout", 5*time.Minute, "time to wait for any individual Kubernetes operation (like Jobs for hooks)")
	return cmd
}
