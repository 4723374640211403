package cli

import (
	"errors"
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
				t := helmTable(0, "NAME", "URL")
				for _, it := range items {
					t.AddRow(it.Name, it.URL)
				}
				return writeHelmTable(w, t)
			})
		},
	}
	addOutputFlag(cmd.Flags(), &output)
	return cmd
}
