package cli

import (
	"fmt"

	"github.com/spf13/cobra"

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
relative path, or the name of a starter under $XDG_DATA_HOME/kpkg/starters
(or $KPKG_DATA_HOME/starters). <CHARTNAME> in its templates and values.yaml
becomes the new chart's name.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := scaffold.Options{Warn: warnTo(streams.Err)}
			if starter != "" {
				opts.Starter = scaffold.ResolveStarter(starter, nil)
			}
			fmt.Fprintf(streams.Err, "Creating %s\n", args[0])
			_, err := scaffold.Create(cmd.Context(), args[0], opts)
			return err
		},
	}
	cmd.Flags().StringVarP(&starter, "starter", "p", "", "the name or path of a starter chart to copy")
	return cmd
}
