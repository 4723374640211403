package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newEnvCommand(streams IO) *cobra.Command {
	return &cobra.Command{
		Use:   "env [NAME]",
		Short: "print the client environment (Helm's variables)",
		Long: `Print the environment kpkg runs with, as 'helm env' does: Helm's variables,
with the values the global flags and HELM_* (or KPKG_*) variables give them.
With NAME, print that variable's value alone. kpkg keeps its files where
Helm does: HELM_REPOSITORY_CONFIG, HELM_REPOSITORY_CACHE, HELM_REGISTRY_CONFIG
and HELM_PLUGINS are shared with Helm.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s := envSettings(cmd)
			s.Namespace = newKubeFlags(s).namespace()
			if len(args) == 1 {
				v, _ := s.Lookup(args[0])
				_, err := fmt.Fprintln(streams.Out, v)
				return err
			}
			for _, v := range s.Vars() {
				if _, err := fmt.Fprintln(streams.Out, v); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
