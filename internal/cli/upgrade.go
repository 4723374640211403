package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/release"
)

type upgradeFlags struct {
	installFlags
	install              bool
	reuseValues          bool
	resetValues          bool
	resetThenReuseValues bool
	historyMax           int
	cleanupOnFail        bool
}

func newUpgradeCommand(streams IO) *cobra.Command {
	f := &upgradeFlags{}
	cmd := &cobra.Command{
		Use:   "upgrade RELEASE CHART",
		Short: "Upgrade a release to a new version of a chart or new values",
		Long: `Upgrade a release to a new version of a chart or new values.

The new revision is applied server-side; objects the old revision had and the
new one does not are deleted unless annotated helm.sh/resource-policy: keep.
Values follow Helm: with no new values the old ones are reused; --reuse-values
merges new values over the old; --reset-values uses only the new ones over
the chart's defaults; --reset-then-reuse-values merges the old user values
over the new chart's defaults.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUpgrade(cmd, streams, f, args[0], args[1])
		},
	}
	fs := cmd.Flags()
	f.installFlags.register(fs)
	f.registerHideSecret(fs)
	f.registerValueModes(fs)
	addHistoryMaxFlag(fs, &f.historyMax)
	fs.BoolVar(&f.cleanupOnFail, "cleanup-on-fail", false, "allow deletion of new resources created in this upgrade when upgrade fails")
	return cmd
}

// registerValueModes adds --install and the flags that choose which values
// an upgrade starts from; upgrade and diff upgrade share them.
func (f *upgradeFlags) registerValueModes(fs *pflag.FlagSet) {
	fs.BoolVarP(&f.install, "install", "i", false, "if a release by this name doesn't already exist, run an install")
	fs.BoolVar(&f.reuseValues, "reuse-values", false, "when upgrading, reuse the last release's values and merge in any overrides from the command line via --set and -f. If '--reset-values' is specified, this is ignored")
	fs.BoolVar(&f.resetValues, "reset-values", false, "when upgrading, reset the values to the ones built into the chart")
	fs.BoolVar(&f.resetThenReuseValues, "reset-then-reuse-values", false, "when upgrading, reset the values to the ones built into the chart, apply the last release's values and merge in any overrides from the command line via --set and -f. If '--reset-values' or '--reuse-values' is specified, this is ignored")
}

// valueMode applies Helm's precedence: reset beats reuse beats
// reset-then-reuse.
func (f *upgradeFlags) valueMode() release.ValueMode {
	switch {
	case f.resetValues:
		return release.ValuesReset
	case f.reuseValues:
		return release.ValuesReuse
	case f.resetThenReuseValues:
		return release.ValuesResetThenReuse
	}
	return release.ValuesDefault
}

func runUpgrade(cmd *cobra.Command, streams IO, f *upgradeFlags, name, ref string) error {
	p, err := f.prepare(cmd, streams, ref)
	if err != nil {
		return err
	}
	io := f.installOptions(name, p)
	rel, err := release.Upgrade(cmd.Context(), p.cfg, name, p.chart, p.values, release.UpgradeOptions{
		Namespace: p.namespace, Render: p.render, PostRender: f.postRender.options(), Install: f.install, ValueMode: f.valueMode(),
		HistoryMax: f.historyMax, CleanupOnFail: f.cleanupOnFail, Atomic: io.Atomic,
		ForceConflicts: io.ForceConflicts, TakeOwnership: io.TakeOwnership, Description: io.Description,
		Wait: io.Wait, WaitForJobs: io.WaitForJobs, Timeout: io.Timeout, DryRun: io.DryRun,
		NoHooks: io.NoHooks, SkipCRDs: io.SkipCRDs, CreateNamespace: io.CreateNamespace, Labels: io.Labels,
	})
	if err != nil {
		return err
	}
	if f.output == "table" {
		// Helm says which way an upgrade --install went: before an
		// install, after an upgrade.
		if rel.Version == 1 || rel.Info.Description == "Install complete" {
			fmt.Fprintf(streams.Out, "Release %q does not exist. Installing it now.\n", name)
		} else {
			fmt.Fprintf(streams.Out, "Release %q has been upgraded. Happy Helming!\n", name)
		}
	}
	return f.print(cmd, streams, rel)
}
