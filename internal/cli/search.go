package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/repo"
)

func newSearchCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "search [keyword]",
		Short: "search for a keyword in charts",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newSearchRepoCommand(streams))
	return cmd
}

type searchResultItem struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	AppVersion  string `json:"app_version"`
	Description string `json:"description"`
}

func newSearchRepoCommand(streams IO) *cobra.Command {
	var opts repo.SearchOptions
	var output outputFormat
	var maxColWidth uint
	var failOnNoResult bool
	cmd := &cobra.Command{
		Use:   "repo [keyword]",
		Short: "search repositories for a keyword in charts",
		Long: `Search the cached indexes of the configured repositories (run 'kpkg repo
update' first). Without --versions only the newest matching version of each
chart is shown; --version takes a SemVer constraint.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = repoPaths(cmd)
			opts.Keyword = strings.Join(args, " ")
			opts.OnIndexError = func(name string, err error) {
				fmt.Fprintf(streams.Err, "WARNING: Repo %q is corrupt or missing. Try 'kpkg repo update'.\nWARNING: %v\n", name, err)
			}
			results, err := repo.SearchRepos(opts)
			if err != nil {
				return err
			}
			if len(results) == 0 && failOnNoResult {
				return errors.New("no results found")
			}
			items := make([]searchResultItem, 0, len(results))
			for _, r := range results {
				items = append(items, searchResultItem{r.Name, r.Chart.Version, r.Chart.AppVersion, r.Chart.Description})
			}
			return output.write(streams.Out, items, func(w io.Writer) error {
				if len(items) == 0 {
					_, err := fmt.Fprintln(w, "No results found")
					return err
				}
				t := helmTable(maxColWidth, "NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION")
				for _, it := range items {
					t.AddRow(it.Name, it.Version, it.AppVersion, it.Description)
				}
				return writeHelmTable(w, t)
			})
		},
	}
	fs := cmd.Flags()
	addOutputFlag(cmd.Flags(), &output)
	fs.BoolVarP(&opts.Regexp, "regexp", "r", false, "use regular expressions for searching repositories you have added")
	fs.BoolVarP(&opts.Versions, "versions", "l", false, "show the long listing, with each version of each chart on its own line, for repositories you have added")
	fs.BoolVar(&opts.Devel, "devel", false, "use development versions (alpha, beta, and release candidate releases), too. Equivalent to version '>0.0.0-0'. If --version is set, this is ignored")
	fs.StringVar(&opts.Version, "version", "", "search using semantic versioning constraints on repositories you have added")
	fs.UintVar(&maxColWidth, "max-col-width", 50, "maximum column width for output table")
	fs.BoolVar(&failOnNoResult, "fail-on-no-result", false, "search fails if no results are found")
	return cmd
}
