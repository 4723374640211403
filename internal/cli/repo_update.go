package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/repo"
)

func newRepoUpdateCommand(streams IO) *cobra.Command {
	var failOnError bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:     "update [REPO1 [REPO2 ...]]",
		Aliases: []string{"up"},
		Short:   "update information of available charts locally from chart repositories",
		Long: `Download fresh index.yaml files for all configured repositories, or the
named ones. Each index is validated before it replaces the cached copy.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(streams.Out, "Hang tight while we grab the latest from your chart repositories...")
			results, err := repo.UpdateReposWithOptions(cmd.Context(), repoPaths(cmd), repo.UpdateOptions{Timeout: timeout, Downloaders: repoDownloaders(cmd)}, args...)
			if err != nil {
				return err
			}
			failed := 0
			for _, r := range results {
				if r.Err != nil {
					failed++
					fmt.Fprintf(streams.Out, "...Unable to get an update from the %q chart repository (%s):\n\t%v\n", r.Name, r.URL, r.Err)
					continue
				}
				fmt.Fprintf(streams.Out, "...Successfully got an update from the %q chart repository\n", r.Name)
			}
			if failed > 0 && failOnError {
				return errors.New("failed to update the following repositories; see the messages above")
			}
			fmt.Fprintln(streams.Out, "Update Complete. ⎈Happy Helming!⎈")
			return nil
		},
	}
	cmd.Flags().BoolVar(&failOnError, "fail-on-repo-update-fail", false, "update fails if any of the repository updates fail")
	cmd.Flags().DurationVar(&timeout, "timeout", repo.DefaultTimeout, "time to wait for the index file download to complete")
	return cmd
}
