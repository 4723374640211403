package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/repo"
)

func newRepoRemoveCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "remove [REPO1 [REPO2 ...]]",
		Aliases: []string{"rm"},
		Short:   "remove one or more chart repositories",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := repo.RemoveRepo(cmd.Context(), repoPaths(cmd), args...); err != nil {
				return err
			}
			for _, name := range args {
				fmt.Fprintf(streams.Out, "%q has been removed from your repositories\n", name)
			}
			return nil
		},
	}
	return cmd
}
