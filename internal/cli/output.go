package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/release"
)

// statusOptions say what printRelease adds to the summary.
type statusOptions struct {
	showManifest bool
	hideNotes    bool
	resources    []kube.ObjectStatus
}

// printRelease prints a revision as Helm's status output does.
func printRelease(w io.Writer, rel *release.Release, o statusOptions) error {
	fmt.Fprintf(w, "NAME: %s\n", rel.Name)
	if !rel.Info.LastDeployed.IsZero() {
		fmt.Fprintf(w, "LAST DEPLOYED: %s\n", rel.Info.LastDeployed.Local().Format(time.ANSIC))
	}
	fmt.Fprintf(w, "NAMESPACE: %s\n", rel.Namespace)
	fmt.Fprintf(w, "STATUS: %s\n", rel.Info.Status)
	fmt.Fprintf(w, "REVISION: %d\n", rel.Version)
	if len(o.resources) > 0 {
		fmt.Fprintln(w, "RESOURCES:")
		tw := newTable(w)
		fmt.Fprintln(tw, "KIND\tNAME\tNAMESPACE\tSTATUS\tMESSAGE")
		for _, r := range o.resources {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Kind, r.Name, r.Namespace, r.Status, r.Message)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	printTestSuite(w, rel)
	if o.showManifest {
		fmt.Fprintln(w, "HOOKS:")
		for _, h := range rel.Hooks {
			fmt.Fprintf(w, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
		}
		fmt.Fprintf(w, "MANIFEST:\n%s\n", rel.Manifest)
	}
	if !o.hideNotes && strings.TrimSpace(rel.Info.Notes) != "" {
		fmt.Fprintf(w, "NOTES:\n%s\n", strings.TrimSpace(rel.Info.Notes))
	}
	return nil
}

func printTestSuite(w io.Writer, rel *release.Release) {
	printed := false
	for _, h := range rel.Hooks {
		if !h.IsTest() || h.LastRun.StartedAt.IsZero() {
			continue
		}
		printed = true
		fmt.Fprintf(w, "TEST SUITE:     %s\nLast Started:   %s\nLast Completed: %s\nPhase:          %s\n",
			h.Name, h.LastRun.StartedAt.Local().Format(time.ANSIC), h.LastRun.CompletedAt.Local().Format(time.ANSIC), h.LastRun.Phase)
	}
	if !printed {
		fmt.Fprintln(w, "TEST SUITE: None")
	}
}

// progress shows readiness changes on stderr: a live table on a terminal,
// otherwise one line per change.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	order []string
	rows  map[string]kube.Event
	drawn int
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, tty: ok && term.IsTerminal(int(f.Fd())), rows: map[string]kube.Event{}}
}

func (p *progress) event(ev kube.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tty {
		fmt.Fprintf(p.w, "%s %s: %s %s\n", ev.Time.Format("15:04:05"), ev.Object, ev.Status, ev.Message)
		return
	}
	if _, ok := p.rows[ev.Object]; !ok {
		p.order = append(p.order, ev.Object)
	}
	p.rows[ev.Object] = ev
	if p.drawn > 0 {
		fmt.Fprintf(p.w, "\x1b[%dA", p.drawn)
	}
	tw := newTable(p.w)
	fmt.Fprint(tw, "\x1b[KOBJECT\tSTATUS\tREASON\n")
	for _, o := range p.order {
		r := p.rows[o]
		fmt.Fprintf(tw, "\x1b[K%s\t%s\t%s\n", o, r.Status, r.Message)
	}
	_ = tw.Flush()
	p.drawn = len(p.order) + 1
}

// log prints a step line; on a terminal it starts a fresh table below it.
func (p *progress) log(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drawn, p.order, p.rows = 0, nil, map[string]kube.Event{}
	warnTo(p.w)(format, args...)
}
