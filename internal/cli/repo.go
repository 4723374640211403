package cli

import (
	"github.com/spf13/cobra"
)

func newRepoCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "repo",
		Short: "add, list, remove, update, and index chart repositories",
		Long: `Manage classic HTTP chart repositories: an index.yaml plus .tgz files on
any web server. The list lives in $XDG_CONFIG_HOME/kpkg/repositories.yaml and
downloaded indexes in $XDG_CACHE_HOME/kpkg/repository/.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(
		newRepoAddCommand(streams),
		newRepoListCommand(streams),
		newRepoRemoveCommand(streams),
		newRepoUpdateCommand(streams),
		newRepoIndexCommand(streams),
	)
	return cmd
}
