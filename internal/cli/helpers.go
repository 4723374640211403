package cli

import (
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"
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

// generateReleaseName makes "<chart>-<unix seconds>" as Helm's --generate-name does.
func generateReleaseName(ref string) string {
	base := strings.TrimSuffix(filepath.Base(ref), ".tgz")
	if i := strings.LastIndex(base, "-"); i > 0 && strings.ContainsAny(base[i:], "0123456789") && strings.Contains(base[i:], ".") {
		base = base[:i]
	}
	return fmt.Sprintf("%s-%d%d", base, time.Now().Unix(), rand.IntN(10))
}
