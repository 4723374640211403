package cli

import (
	"github.com/spf13/cobra"
)

func newRepoCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "repo",
		Short: "add, list, remove, update, and index chart repositories",
		Long: `Manage classic HTTP chart repositories: an index.yaml plus .tgz files on
any web server. The list is Helm's repositories.yaml ($HELM_REPOSITORY_CONFIG,
by default ~/.config/helm/repositories.yaml) and downloaded indexes go to
Helm's cache ($HELM_REPOSITORY_CACHE, by default ~/.cache/helm/repository),
so repositories added with helm or kpkg work in both.`,
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
