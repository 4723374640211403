package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/repo"
)

type repoListItem struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

func newRepoListCommand(streams IO) *cobra.Command {
	var output outputFormat
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "list chart repositories",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := repo.LoadRepoFile(repoPaths(cmd).RepositoryConfig)
			if err != nil {
				return err
			}
			if len(f.Repositories) == 0 && output == "table" {
				return errors.New("no repositories to show")
			}
			items := make([]repoListItem, 0, len(f.Repositories))
			for _, e := range f.Repositories {
				items = append(items, repoListItem{Name: e.Name, URL: e.URL})
			}
			return output.write(streams.Out, items, func(w io.Writer) error {
				tw := newTable(w)
				fmt.Fprintln(tw, "NAME\tURL")
				for _, it := range items {
					fmt.Fprintf(tw, "%s\t%s\n", it.Name, it.URL)
				}
				return tw.Flush()
			})
		},
	}
	addOutputFlag(cmd.Flags(), &output)
	return cmd
}
