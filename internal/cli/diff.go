package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/diff"
	"github.com/kpkg/kpkg/pkg/release"
)

// diffFlags shape the report of every diff subcommand.
type diffFlags struct {
	context          int
	showSecrets      bool
	detailedExitcode bool
	noHooks          bool
}

func (d *diffFlags) register(fs *pflag.FlagSet) {
	fs.IntVarP(&d.context, "context", "C", -1, "output NUM lines of context around changes; -1 shows whole objects")
	fs.BoolVar(&d.showSecrets, "show-secrets", false, "show the values of Secrets instead of their lengths")
	fs.BoolVar(&d.detailedExitcode, "detailed-exitcode", false, "return exit code 2 when there are changes, 0 when there are none")
	fs.BoolVar(&d.noHooks, "no-hooks", false, "compare the manifests only, not the hooks")
}

// compared is what a revision contributes to a diff: its manifest and,
// unless --no-hooks, its hooks.
func (d *diffFlags) compared(rel *release.Release) string {
	if rel == nil {
		return ""
	}
	if d.noHooks {
		return rel.Manifest
	}
	var b strings.Builder
	b.WriteString(rel.Manifest)
	for _, h := range rel.Hooks {
		fmt.Fprintf(&b, "\n---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	return b.String()
}

// report prints the changes from oldRel (nil: nothing) to newRel and
// turns "changed" into exit code 2 under --detailed-exitcode.
func (d *diffFlags) report(streams IO, namespace string, oldRel, newRel *release.Release) error {
	changes, err := diff.Manifests(d.compared(oldRel), d.compared(newRel), diff.Options{Context: d.context, ShowSecrets: d.showSecrets, Namespace: namespace})
	if err != nil {
		return err
	}
	if err := diff.Write(streams.Out, changes); err != nil {
		return err
	}
	if d.detailedExitcode && len(changes) > 0 {
		return &ExitError{Code: 2}
	}
	return nil
}

func newDiffCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Show what an upgrade or rollback would change, or how two revisions differ",
		Long: `Show, object by object, what an upgrade or a rollback would change in a release,
or how two of its revisions differ. Objects are matched by group, kind,
namespace and name, so an apiVersion change shows as a change. Secret values
are replaced by their lengths unless --show-secrets is given.`,
	}
	cmd.AddCommand(newDiffUpgradeCommand(streams), newDiffRevisionCommand(streams), newDiffRollbackCommand(streams))
	return cmd
}

func newDiffUpgradeCommand(streams IO) *cobra.Command {
	f := &upgradeFlags{}
	var d diffFlags
	cmd := &cobra.Command{
		Use:   "upgrade RELEASE CHART",
		Short: "Show what 'kpkg upgrade' would change",
		Long: `Render the chart as 'kpkg upgrade' would, with the same values and flags, and
compare the result with the revision the release runs. Lookups read the
cluster; nothing is changed.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := f.prepare(cmd, streams, args[1])
			if err != nil {
				return err
			}
			current, next, err := release.PlanUpgrade(cmd.Context(), p.cfg, args[0], p.chart, p.values, release.UpgradeOptions{
				Namespace: p.namespace, Render: p.render, PostRender: f.postRender.options(), Install: f.install, ValueMode: f.valueMode(),
			})
			if err != nil {
				return err
			}
			return d.report(streams, p.namespace, current, next)
		},
	}
	fs := cmd.Flags()
	f.renderFlags.register(fs)
	f.registerValueModes(fs)
	d.register(fs)
	return cmd
}

func newDiffRevisionCommand(streams IO) *cobra.Command {
	var d diffFlags
	cmd := &cobra.Command{
		Use:   "revision RELEASE REVISION [REVISION]",
		Short: "Show how two revisions of a release differ",
		Long: `Compare two stored revisions of a release. With one revision, compare it
with the revision the release runs.`,
		Args: cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			revs := make([]int, 0, 2)
			for _, a := range args[1:] {
				v, err := revisionArg(args[0], a)
				if err != nil {
					return err
				}
				revs = append(revs, v)
			}
			cfg, ns, err := kubeOf(cmd).releaseConfig(streams)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			old, err := release.Get(ctx, cfg, ns, args[0], revs[0])
			if err != nil {
				return err
			}
			var new *release.Release
			if len(revs) == 2 {
				new, err = release.Get(ctx, cfg, ns, args[0], revs[1])
			} else {
				new, err = release.Current(ctx, cfg, ns, args[0])
			}
			if err != nil {
				return err
			}
			return d.report(streams, ns, old, new)
		},
	}
	fs := cmd.Flags()
	d.register(fs)
	return cmd
}

func newDiffRollbackCommand(streams IO) *cobra.Command {
	var d diffFlags
	cmd := &cobra.Command{
		Use:   "rollback RELEASE [REVISION]",
		Short: "Show what 'kpkg rollback' would change",
		Long: `Compare the revision a release runs with the one 'kpkg rollback' would restore
(by default the one before the newest).`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			version := 0 // the one before the newest
			if len(args) == 2 {
				v, err := revisionArg(args[0], args[1])
				if err != nil {
					return err
				}
				version = v
			}
			cfg, ns, err := kubeOf(cmd).releaseConfig(streams)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			current, err := release.Current(ctx, cfg, ns, args[0])
			if err != nil {
				return err
			}
			if version == 0 {
				newest, err := release.Get(ctx, cfg, ns, args[0], 0)
				if err != nil {
					return err
				}
				if newest.Version < 2 {
					return fmt.Errorf("release %s has no revision before %d to roll back to", args[0], newest.Version)
				}
				version = newest.Version - 1
			}
			target, err := release.Get(ctx, cfg, ns, args[0], version)
			if err != nil {
				return err
			}
			return d.report(streams, ns, current, target)
		},
	}
	fs := cmd.Flags()
	d.register(fs)
	return cmd
}

func revisionArg(name, arg string) (int, error) {
	v, err := strconv.Atoi(arg)
	if err != nil || v < 1 {
		return 0, fmt.Errorf("invalid revision %q: use a revision number from 'kpkg history %s'", arg, name)
	}
	return v, nil
}
