package cli

import (
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/release"
	"github.com/kpkg/kpkg/pkg/release/record"
)

// historyEntry has the fields of Helm's history output. Updated is "" in
// JSON when the revision was never deployed, as in Helm.
type historyEntry struct {
	Revision    int         `json:"revision"`
	Updated     record.Time `json:"updated"`
	Status      string      `json:"status"`
	Chart       string      `json:"chart"`
	AppVersion  string      `json:"app_version"`
	Description string      `json:"description"`
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
				entries = append(entries, historyEntry{Revision: r.Version, Updated: r.Info.LastDeployed, Status: string(r.Info.Status),
					Chart: r.ChartName(), AppVersion: appVersionOf(r), Description: r.Info.Description})
			}
			return output.write(streams.Out, entries, func(w io.Writer) error { return historyTable(w, entries) })
		},
	}
	fs := cmd.Flags()
	addOutputFlag(cmd.Flags(), &output)
	fs.IntVar(&max, "max", 256, "maximum number of revision to include in history")
	return cmd
}

// historyTable prints revisions as Helm does, times in the zone they were
// stored with.
func historyTable(w io.Writer, entries []historyEntry) error {
	t := helmTable(0, "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION")
	for _, e := range entries {
		t.AddRow(e.Revision, e.Updated.Format(time.ANSIC), e.Status, e.Chart, e.AppVersion, e.Description)
	}
	return writeHelmTable(w, t)
}
