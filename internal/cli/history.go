package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/release"
)

// historyEntry has the fields of Helm's history output.
type historyEntry struct {
	Revision    int       `json:"revision"`
	Updated     time.Time `json:"updated"`
	Status      string    `json:"status"`
	Chart       string    `json:"chart"`
	AppVersion  string    `json:"app_version"`
	Description string    `json:"description"`
}

func newHistoryCommand(streams IO) *cobra.Command {
	var output outputFormat
	var max int
	cmd := &cobra.Command{
		Use:     "history RELEASE_NAME",
		Aliases: []string{"hist"},
		Short:   "Fetch release history",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, ns, err := kubeOf(cmd).releaseConfig(streams)
			if err != nil {
				return err
			}
			hist, err := release.History(cmd.Context(), cfg, ns, args[0], max)
			if err != nil {
				return err
			}
			entries := make([]historyEntry, 0, len(hist))
			for _, r := range hist {
				entries = append(entries, historyEntry{Revision: r.Version, Updated: r.Info.LastDeployed.Time, Status: string(r.Info.Status),
					Chart: r.ChartName(), AppVersion: r.AppVersion(), Description: r.Info.Description})
			}
			return output.write(streams.Out, entries, func(w io.Writer) error { return historyTable(w, entries) })
		},
	}
	fs := cmd.Flags()
	addOutputFlag(fs, &output)
	fs.IntVar(&max, "max", 256, "maximum number of revision to include in history")
	return cmd
}

func historyTable(w io.Writer, entries []historyEntry) error {
	tw := newTable(w)
	fmt.Fprintln(tw, "REVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\tDESCRIPTION")
	for _, e := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", e.Revision, e.Updated.Local().Format(time.ANSIC), e.Status, e.Chart, e.AppVersion, e.Description)
	}
	return tw.Flush()
}
