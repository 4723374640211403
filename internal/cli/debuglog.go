package cli

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/kpkg/kpkg/pkg/helmenv"
	"github.com/kpkg/kpkg/pkg/kube"
)

// debugLogger is the log --debug (or HELM_DEBUG) turns on: slog text
// records on w at debug level. Without it, records are dropped.
func debugLogger(w io.Writer, s helmenv.Settings) *slog.Logger {
	if !s.Debug {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// logf adapts a logger to the libraries' printf-style progress callbacks.
func logf(l *slog.Logger) func(string, ...any) {
	return func(format string, args ...any) {
		l.Debug(fmt.Sprintf(format, args...))
	}
}

// logEvent adapts a logger to the readiness callback of release actions.
func logEvent(l *slog.Logger) func(kube.Event) {
	return func(ev kube.Event) {
		l.Debug("readiness", "object", ev.Object, "status", ev.Status, "message", ev.Message)
	}
}

// logSettings records the environment a command runs with.
func logSettings(l *slog.Logger, s helmenv.Settings) {
	attrs := make([]any, 0, 2*len(s.Vars()))
	for _, v := range s.Vars() {
		if v.Name == "HELM_KUBETOKEN" && v.Value != "" {
			v.Value = "(redacted)"
		}
		attrs = append(attrs, v.Name, v.Value)
	}
	l.Debug("environment", attrs...)
}
