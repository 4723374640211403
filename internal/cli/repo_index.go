package cli

import (
	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/repo"
)

func newRepoIndexCommand(IO) *cobra.Command {
	var opts repo.IndexDirOptions
	cmd := &cobra.Command{
		Use:   "index [DIR]",
		Short: "generate an index file given a directory containing packaged charts",
		Long: `Read DIR (and its immediate subdirectories) for chart archives and write
DIR/index.yaml. With --merge, versions from an existing index that DIR does
not hold are kept.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return repo.IndexDir(cmd.Context(), args[0], opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.URL, "url", "", "url of chart repository")
	fs.StringVar(&opts.Merge, "merge", "", "merge the generated index into the given index")
	fs.BoolVar(&opts.JSON, "json", false, "output in JSON format")
	return cmd
}
