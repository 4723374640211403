package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/helmenv"
	"github.com/kpkg/kpkg/pkg/scaffold"
)

func newCreateCommand(streams IO) *cobra.Command {
	var starter string
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a new chart with the given name",
		Long: `Create a new chart with the given name.

'kpkg create web' writes the directory web/ with Chart.yaml, values.yaml,
.helmignore, an empty charts/ and templates/ holding a Deployment, Service,
ServiceAccount, an optional Ingress, HTTPRoute and HorizontalPodAutoscaler,
NOTES.txt, _helpers.tpl and tests/test-connection.yaml. The new chart passes
'kpkg lint --strict' and renders with 'kpkg template'.

NAME may be a path; missing parent directories are created and the chart is
named after its last element. An existing directory must be empty or already
hold a chart (whose generated files are then overwritten, with a warning);
kpkg refuses to write into any other non-empty directory.

--starter copies another chart instead: an absolute path, an existing
relative path, or the name of a starter in Helm's starters directory
($HELM_DATA_HOME/starters, by default ~/.local/share/helm/starters), shared
with 'helm create' (kpkg's former $XDG_DATA_HOME/kpkg/starters is looked in
too). <CHARTNAME> in its templates and values.yaml becomes the new chart's
name.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := scaffold.Options{Warn: warnTo(streams.Err)}
			if starter != "" {
				opts.Starter = resolveStarter(cmd, starter)
			}
			fmt.Fprintf(streams.Err, "Creating %s\n", args[0])
			_, err := scaffold.Create(cmd.Context(), args[0], opts)
			return err
		},
	}
	cmd.Flags().StringVarP(&starter, "starter", "p", "", "the name or path of a starter chart to copy")
	return cmd
}

// resolveStarter turns --starter into a path: an absolute path or an
// existing relative one as is, else a starter in Helm's starters
// directory, else one in kpkg's former directory.
func resolveStarter(cmd *cobra.Command, starter string) string {
	path := scaffold.ResolveStarter(starter, envSettings(cmd).StartersDir())
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if old := helmenv.LegacyPaths(os.Getenv).StartersDir; old != "" {
		if _, err := os.Stat(filepath.Join(old, starter)); err == nil {
			return filepath.Join(old, starter)
		}
	}
	return path
}
