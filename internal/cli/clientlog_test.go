package cli

import (
	"bytes"
	"strings"
	"testing"

	"k8s.io/klog/v2"
)

// client-go's log lines reach stderr only through --debug, so a failure
// reads as kpkg's one message.
func TestClientLogsGoToTheDebugLog(t *testing.T) {
	cleanEnv(t)
	t.Cleanup(klog.ClearLogger)
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{[]string{"version"}, false},
		{[]string{"version", "--debug"}, true},
	} {
		var out, errOut bytes.Buffer
		root := NewRootCommand(IO{In: strings.NewReader(""), Out: &out, Err: &errOut})
		root.SetArgs(tt.args)
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		klog.ErrorS(nil, "Couldn't get current server API group list")
		klog.Flush()
		if got := strings.Contains(errOut.String(), "API group list"); got != tt.want {
			t.Errorf("kpkg %s: client-go's log line on stderr = %v, want %v:\n%s", strings.Join(tt.args, " "), got, tt.want, errOut.String())
		}
	}
}
