package cli

import (
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
)

// klogFlag marks the klog flags addKlogFlags registers.
const klogFlag = "klog"

// routeClientOutput settles where client-go's own output goes for the
// command about to run. Its log lines (klog: "Couldn't get current server
// API group list" while the API server is away, retries, throttling) go to
// the --debug log, so a failure reads as the one message kpkg prints,
// which already carries the cause; given a klog flag (--v, ...), klog
// writes as the user asked. The API server's deprecation warnings stay on
// stderr, once each, as kubectl prints them ("Warning: ...").
//
// Both are process-wide settings of client-go, which is why the command
// layer sets them and no library does.
func routeClientOutput(cmd *cobra.Command, errOut io.Writer) {
	rest.SetDefaultWarningHandler(rest.NewWarningWriter(errOut, rest.WarningWriterOptions{Deduplicate: true}))
	klogAsked := false
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if _, ok := f.Annotations[klogFlag]; ok {
			klogAsked = true
		}
	})
	if klogAsked {
		klog.ClearLogger()
		return
	}
	klog.SetSlogLogger(debugLogger(errOut, envSettings(cmd)))
}
