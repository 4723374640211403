package cli

import (
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/release"
)

// listEntry has the fields of Helm's list output.
type listEntry struct {
	Name       string `json:"name"`
	Namespace  string `json:"namespace"`
	Revision   string `json:"revision"`
	Updated    string `json:"updated"`
	Status     string `json:"status"`
	Chart      string `json:"chart"`
	AppVersion string `json:"app_version"`
}

type listFlags struct {
	output                                                    outputFormat
	opts                                                      release.ListOptions
	deployed, failed, pending, superseded, uninstalled, short bool
	uninstalling, noHeaders                                   bool
	timeFormat                                                string
}

func newListCommand(streams IO) *cobra.Command {
	f := &listFlags{}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List releases",
		Long: `List releases. By default only deployed and failed releases of the current
namespace are listed; --all and the status flags change that, -A lists every
namespace, --filter keeps names matching a regular expression. Releases are
ordered by name, or by last deployment with --date, oldest first; --reverse
turns either around, and --offset and --max page through the result.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, ns, err := kubeOf(cmd).releaseConfig(streams)
			if err != nil {
				return err
			}
			f.opts.Namespace = ns
			f.opts.States = f.states()
			if f.opts.Max < 0 || f.opts.Offset < 0 {
				return fmt.Errorf("--max and --offset must not be negative")
			}
			rels, err := release.List(cmd.Context(), cfg, f.opts)
			if err != nil {
				return err
			}
			return f.print(streams.Out, rels)
		},
	}
	fs := cmd.Flags()
	addOutputFlag(cmd.Flags(), &f.output)
	fs.BoolVarP(&f.opts.AllNamespaces, "all-namespaces", "A", false, "list releases across all namespaces")
	fs.BoolVarP(&f.opts.All, "all", "a", false, "show all releases without any filter applied")
	fs.StringVarP(&f.opts.Filter, "filter", "f", "", "a regular expression (Perl compatible). Any releases that match the expression will be included in the results")
	fs.BoolVar(&f.deployed, "deployed", false, "show deployed releases. If no other is specified, this will be automatically enabled")
	fs.BoolVar(&f.failed, "failed", false, "show failed releases")
	fs.BoolVar(&f.pending, "pending", false, "show pending releases")
	fs.BoolVar(&f.superseded, "superseded", false, "show superseded releases")
	fs.BoolVar(&f.uninstalled, "uninstalled", false, "show uninstalled releases (if 'kpkg uninstall --keep-history' was used)")
	fs.BoolVar(&f.uninstalling, "uninstalling", false, "show releases that are currently being uninstalled")
	fs.BoolVarP(&f.short, "short", "q", false, "output short (quiet) listing format")
	fs.BoolVar(&f.noHeaders, "no-headers", false, "don't print headers when using the default output format")
	fs.BoolVarP(&f.opts.ByDate, "date", "d", false, "sort by release date")
	fs.BoolVarP(&f.opts.Reverse, "reverse", "r", false, "reverse the sort order")
	fs.IntVarP(&f.opts.Max, "max", "m", 256, "maximum number of releases to fetch (0: no limit)")
	fs.IntVar(&f.opts.Offset, "offset", 0, "next release index in the list, used to offset from start value")
	fs.StringVar(&f.timeFormat, "time-format", "", `format time using golang time formatter. Example: --time-format "2006-01-02 15:04:05Z0700"`)
	fs.StringVarP(&f.opts.Selector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Works only for secret(default) and configmap storage backends.")
	return cmd
}

func (f *listFlags) states() []release.Status {
	var s []release.Status
	add := func(on bool, st ...release.Status) {
		if on {
			s = append(s, st...)
		}
	}
	add(f.deployed, release.StatusDeployed)
	add(f.failed, release.StatusFailed)
	add(f.pending, release.StatusPendingInstall, release.StatusPendingUpgrade, release.StatusPendingRollback)
	add(f.superseded, release.StatusSuperseded)
	add(f.uninstalled, release.StatusUninstalled)
	add(f.uninstalling, release.StatusUninstalling)
	return s
}

func (f *listFlags) print(w io.Writer, rels []*release.Release) error {
	entries := make([]listEntry, 0, len(rels))
	for _, r := range rels {
		// Helm prints the time in the zone it was stored with.
		updated := "-"
		if t := r.Info.LastDeployed; !t.IsZero() {
			updated = t.String()
			if f.timeFormat != "" {
				updated = t.Format(f.timeFormat)
			}
		}
		entries = append(entries, listEntry{Name: r.Name, Namespace: r.Namespace, Revision: strconv.Itoa(r.Version),
			Updated: updated, Status: string(r.Info.Status), Chart: r.ChartName(), AppVersion: appVersionOf(r)})
	}
	if f.short {
		names := make([]string, 0, len(entries))
		for _, e := range entries {
			names = append(names, e.Name)
		}
		return f.output.write(w, names, func(w io.Writer) error {
			for _, n := range names {
				fmt.Fprintln(w, n)
			}
			return nil
		})
	}
	return f.output.write(w, entries, func(w io.Writer) error {
		t := helmTable(0)
		if !f.noHeaders {
			t.AddRow("NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION")
		}
		for _, e := range entries {
			t.AddRow(e.Name, e.Namespace, e.Revision, e.Updated, e.Status, e.Chart, e.AppVersion)
		}
		return writeHelmTable(w, t)
	})
}

// appVersionOf is a revision's appVersion as Helm's tables print it:
// MISSING when the revision kept no chart metadata.
func appVersionOf(r *release.Release) string {
	if r.Chart == nil || r.Chart.Metadata == nil {
		return "MISSING"
	}
	return r.AppVersion()
}
