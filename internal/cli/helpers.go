package cli

import (
	"fmt"
	"io"
	"strings"
)

// warnTo returns a warning sink that writes one line per warning to w.
func warnTo(w io.Writer) func(string, ...any) {
	return func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if !strings.HasSuffix(msg, "\n") {
			msg += "\n"
		}
		fmt.Fprint(w, msg)
	}
}
