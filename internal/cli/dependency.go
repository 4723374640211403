package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/repo"
)

func newDependencyCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "dependency update|build|list",
		Aliases: []string{"dep", "dependencies"},
		Short:   "manage a chart's dependencies",
		Long: `Manage the dependencies listed in Chart.yaml: 'update' resolves them from
file://, HTTP repositories and oci:// registries, writes Chart.lock and vendors
the archives into charts/; 'build' vendors exactly what Chart.lock records and
refuses a lock that is out of date with Chart.yaml; 'list' shows their state.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newDependencyListCommand(streams), newDependencyUpdateCommand(streams, false), newDependencyUpdateCommand(streams, true))
	return cmd
}

func newDependencyListCommand(streams IO) *cobra.Command {
	var output outputFormat
	cmd := &cobra.Command{
		Use:     "list CHART",
		Aliases: []string{"ls"},
		Short:   "list the dependencies for the given chart",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			dir := "."
			if len(args) > 0 {
				dir = args[0]
			}
			deps, extra, err := repo.ListDependencies(dir)
			if err != nil {
				return err
			}
			if deps == nil {
				deps = []repo.DependencyStatus{}
			}
			return output.write(streams.Out, deps, func(w io.Writer) error {
				if len(deps) == 0 {
					fmt.Fprintf(w, "WARNING: no dependencies at %s/charts\n", dir)
					return nil
				}
				tw := newTable(w)
				fmt.Fprintln(tw, "NAME\tVERSION\tREPOSITORY\tSTATUS")
				for _, d := range deps {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Name, d.Version, d.Repository, d.Status)
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintln(w)
				for _, e := range extra {
					fmt.Fprintf(streams.Err, "WARNING: %q is not in Chart.yaml.\n", e)
				}
				return nil
			})
		},
	}
	addOutputFlag(cmd.Flags(), &output)
	return cmd
}

func newDependencyUpdateCommand(streams IO, build bool) *cobra.Command {
	var tls tlsFlags
	var skipRefresh bool
	var verify verifyFlags
	use, short := "update CHART", "update charts/ based on the contents of Chart.yaml"
	if build {
		use, short = "build CHART", "rebuild the charts/ directory based on the Chart.lock file"
	}
	cmd := &cobra.Command{
		Use:     use,
		Aliases: []string{map[bool]string{false: "up", true: "bu"}[build]},
		Short:   short,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) > 0 {
				dir = args[0]
			}
			opts := repo.DependencyOptions{Paths: repoPaths(cmd), SkipRefresh: skipRefresh, Auth: tls.auth(), Log: warnTo(streams.Out), Provenance: verify.options()}
			// As in Helm, build lets a dependency without a provenance
			// file through with a warning; update refuses it.
			opts.Provenance.AllowMissing = build
			if build {
				return repo.BuildDependencies(cmd.Context(), dir, opts)
			}
			return repo.UpdateDependencies(cmd.Context(), dir, opts)
		},
	}
	fs := cmd.Flags()
	tls.registerTLS(fs)
	fs.BoolVar(&skipRefresh, "skip-refresh", false, "do not refresh the local repository cache")
	verify.register(fs)
	return cmd
}
