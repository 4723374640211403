package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/release"
)

func newTestCommand(streams IO) *cobra.Command {
	var o release.TestOptions
	var filters []string
	var hideNotes, logs bool
	cmd := &cobra.Command{
		Use:   "test RELEASE",
		Short: "Run the tests of a release",
		Long: `Run the tests of a release: its hooks annotated helm.sh/hook: test, in weight
order, each waited on until it succeeds or fails. Each test's last run is
stored with the revision and shown by status. --filter name=NAME runs only
the named tests, --filter '!name=NAME' skips them. --logs prints each test
pod's logs after the results.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			if o.Include, o.Exclude, err = parseTestFilters(filters); err != nil {
				return err
			}
			cfg, ns, err := kubeOf(cmd).releaseConfig(streams)
			if err != nil {
				return err
			}
			rel, err := release.Test(cmd.Context(), cfg, ns, args[0], o)
			if rel != nil {
				err = errors.Join(err, printRelease(streams.Out, rel, statusOptions{hideNotes: hideNotes, debug: envSettings(cmd).Debug}))
			}
			if rel != nil && logs {
				fmt.Fprintln(streams.Out)
				err = errors.Join(release.TestLogs(cmd.Context(), cfg, rel, o, streams.Out), err)
			}
			return err
		},
	}
	fs := cmd.Flags()
	addRecoverPendingFlag(fs)
	fs.DurationVar(&o.Timeout, "timeout", 5*time.Minute, "time to wait for any individual Kubernetes operation (like Jobs for hooks)")
	fs.BoolVar(&logs, "logs", false, "dump the logs from test pods (this runs after all tests are complete, but before any cleanup)")
	fs.BoolVar(&hideNotes, "hide-notes", false, "if set, do not show notes in test output. Does not affect presence in chart metadata")
	fs.StringSliceVar(&filters, "filter", nil, `specify tests by attribute (currently "name") using attribute=value syntax or '!attribute=value' to exclude a test (can specify multiple or separate values with commas: name=test1,name=test2)`)
	return cmd
}

var excludeName = regexp.MustCompile(`^!\s?name=`)

// parseTestFilters splits --filter values into the names to run and the
// names to skip.
func parseTestFilters(filters []string) (include, exclude []string, err error) {
	for _, f := range filters {
		switch {
		case strings.HasPrefix(f, "name="):
			include = append(include, strings.TrimPrefix(f, "name="))
		case excludeName.MatchString(f):
			exclude = append(exclude, excludeName.ReplaceAllLiteralString(f, ""))
		default:
			return nil, nil, fmt.Errorf("invalid --filter %q: use name=TEST to run a test or '!name=TEST' to skip it", f)
		}
	}
	return include, exclude, nil
}
