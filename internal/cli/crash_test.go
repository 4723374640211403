package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// panickyWriter panics on the first write, standing in for a bug anywhere
// under a command.
type panickyWriter struct{ value any }

func (w panickyWriter) Write([]byte) (int, error) { panic(w.value) }

// TestPanicIsOneLine: a panic under a command, on the main goroutine or
// raised again from a worker, prints one line asking for a report.
func TestPanicIsOneLine(t *testing.T) {
	for _, v := range []any{
		"index out of range [3] with length 3",
		fmt.Errorf("from a worker\ngoroutine 7 [running]:\n"),
		strings.Repeat("long ", 200),
	} {
		var errOut bytes.Buffer
		code := Run(context.Background(), []string{"version"}, nil, panickyWriter{v}, &errOut)
		got := errOut.String()
		if code != 1 {
			t.Errorf("exit code %d", code)
		}
		if strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "Error: kpkg crashed (") || !strings.Contains(got, "please report it at "+reportURL) {
			t.Errorf("crash output is not one line asking for a report:\n%s", got)
		}
		if strings.Contains(got, "goroutine 7 [running]:\n") || len(got) > 400 {
			t.Errorf("crash output holds a dump:\n%s", got)
		}
	}
}
