package cli

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/release"
)

// cascadeModes are the values of --cascade.
var cascadeModes = []string{"background", "foreground", "orphan"}

func newUninstallCommand(streams IO) *cobra.Command {
	var o release.UninstallOptions
	var ignoreNotFound bool
	var cascade string
	cmd := &cobra.Command{
		Use:     "uninstall RELEASE_NAME [...]",
		Aliases: []string{"del", "delete", "un"},
		Short:   "Uninstall a release",
		Long: `Uninstall a release: run its delete hooks, delete its objects (except those
annotated helm.sh/resource-policy: keep) and its revisions, or with
--keep-history mark it uninstalled so it can be rolled back.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkCascade(cascade); err != nil {
				return err
			}
			o.Cascade = cascade
			cfg, ns, err := kubeOf(cmd).releaseConfig(streams)
			if err != nil {
				return err
			}
			for _, name := range args {
				res, err := release.Uninstall(cmd.Context(), cfg, ns, name, o)
				if ignoreNotFound && !o.DryRun && errors.Is(err, release.ErrNotFound) {
					// As Helm: a release that is not there counts as
					// uninstalled.
					fmt.Fprintf(streams.Out, "release %q uninstalled\n", name)
					continue
				}
				if err != nil {
					return err
				}
				if len(res.Kept) > 0 {
					fmt.Fprintln(streams.Out, "These resources were kept due to the resource policy:")
					for _, k := range res.Kept {
						fmt.Fprintln(streams.Out, k)
					}
				}
				if len(res.Gone) > 0 {
					fmt.Fprintln(streams.Out, "These resources were not deleted because the cluster no longer serves their kind:")
					for _, g := range res.Gone {
						fmt.Fprintln(streams.Out, g)
					}
				}
				fmt.Fprintf(streams.Out, "release %q uninstalled\n", name)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	addRecoverPendingFlag(fs)
	fs.BoolVar(&o.KeepHistory, "keep-history", false, "remove all associated resources and mark the release as deleted, but retain the release history")
	fs.BoolVar(&o.Wait, "wait", false, "if set, will wait until all the resources are deleted before returning, for as long as --timeout")
	fs.DurationVar(&o.Timeout, "timeout", 5*time.Minute, "time to wait for any individual Kubernetes operation (like Jobs for hooks)")
	fs.BoolVar(&o.NoHooks, "no-hooks", false, "prevent hooks from running during uninstallation")
	fs.StringVar(&o.Description, "description", "", "add a custom description")
	fs.BoolVar(&o.DryRun, "dry-run", false, "simulate a uninstall")
	fs.BoolVar(&ignoreNotFound, "ignore-not-found", false, `Treat "release not found" as a successful uninstall`)
	fs.StringVar(&cascade, "cascade", "background", `Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents. Defaults to background.`)
	return cmd
}

// checkCascade accepts --cascade's values, with Helm's message otherwise.
func checkCascade(mode string) error {
	if !slices.Contains(cascadeModes, mode) {
		return fmt.Errorf("invalid cascade value (%s). Must be \"background\", \"foreground\", or \"orphan\"", mode)
	}
	return nil
}
