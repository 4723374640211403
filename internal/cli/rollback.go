package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/release"
)

func newRollbackCommand(streams IO) *cobra.Command {
	var o release.RollbackOptions
	cmd := &cobra.Command{
		Use:   "rollback RELEASE [REVISION]",
		Short: "Roll a release back to a previous revision",
		Long: `Roll a release back to a previous revision.

The rollback is a new revision repeating the chosen one (by default the one
before the newest); see revisions with 'kpkg history'.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 {
				v, err := strconv.Atoi(args[1])
				if err != nil || v < 0 {
					return fmt.Errorf("invalid revision %q: use a revision number from 'kpkg history %s'", args[1], args[0])
				}
				o.Version = v
			}
			cfg, ns, err := kubeOf(cmd).releaseConfig(streams)
			if err != nil {
				return err
			}
			o.Namespace = ns
			if _, err := release.Rollback(cmd.Context(), cfg, args[0], o); err != nil {
				return err
			}
			fmt.Fprintln(streams.Out, "Rollback was a success.")
			return nil
		},
	}
	fs := cmd.Flags()
	addRecoverPendingFlag(fs)
	addWaitFlags(fs, &o.Wait, &o.WaitForJobs, &o.Timeout)
	fs.BoolVar(&o.NoHooks, "no-hooks", false, "prevent hooks from running during rollback")
	fs.BoolVar(&o.ForceConflicts, "force-conflicts", false, "take fields owned by other field managers instead of failing")
	fs.BoolVar(&o.ForceConflicts, "force", false, forceHelp)
	fs.BoolVar(&o.CleanupOnFail, "cleanup-on-fail", false, "allow deletion of new resources created in this rollback when rollback fails")
	addHistoryMaxFlag(fs, &o.HistoryMax)
	fs.BoolVar(&o.DryRun, "dry-run", false, "simulate a rollback")
	return cmd
}
