package cli

import (
	"fmt"
	"io"
	"path/filepath"

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
	var maxColWidth uint
	cmd := &cobra.Command{
		Use:     "list CHART",
		Aliases: []string{"ls"},
		Short:   "list the dependencies for the given chart",
		Long: `List the dependencies Chart.yaml (requirements.yaml for an apiVersion v1
chart) declares and whether charts/ holds them: "ok" (a matching archive),
"unpacked" (a matching chart directory, or any subchart of an archive),
"missing", "wrong version", "invalid version", "misnamed", "corrupt" or
"too many matches". CHART is a chart directory or archive (default ".").
A file:// dependency that charts/ does not vendor is missing, as in Helm.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			path := "."
			if len(args) > 0 {
				path = filepath.Clean(args[0])
			}
			list, err := repo.ListDependencies(path)
			if err != nil {
				return err
			}
			deps := list.Dependencies
			if deps == nil {
				deps = []repo.DependencyStatus{}
			}
			return output.write(streams.Out, deps, func(w io.Writer) error {
				return dependencyTable(w, path, list, maxColWidth)
			})
		},
	}
	addOutputFlag(cmd.Flags(), &output)
	cmd.Flags().UintVar(&maxColWidth, "max-col-width", 80, "maximum column width for output table")
	return cmd
}

// dependencyTable prints a dependency list as Helm does: the table, an
// empty line, then a warning for each stray entry of charts/, all on
// stdout.
func dependencyTable(w io.Writer, path string, list *repo.DependencyList, maxColWidth uint) error {
	if !list.Declared {
		_, err := fmt.Fprintf(w, "WARNING: no dependencies at %s\n", filepath.Join(path, "charts"))
		return err
	}
	t := helmTable(maxColWidth, "NAME", "VERSION", "REPOSITORY", "STATUS")
	for _, d := range list.Dependencies {
		t.AddRow(d.Name, d.Version, d.Repository, d.Status)
	}
	if err := writeHelmTable(w, t); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, s := range list.Strays {
		if s.NotAChart {
			fmt.Fprintf(w, "WARNING: %q is not a chart.\n", s.Path)
			continue
		}
		fmt.Fprintf(w, "WARNING: %q is not in Chart.yaml.\n", s.Path)
	}
	return nil
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
			auth := tls.auth()
			auth.Downloaders = repoDownloaders(cmd)
			opts := repo.DependencyOptions{Paths: repoPaths(cmd), SkipRefresh: skipRefresh, Auth: auth, Log: warnTo(streams.Out), Provenance: verify.options()}
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
