package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/release"
)

// statusOptions say what printRelease adds to the summary, as Helm's
// status printer's switches do.
type statusOptions struct {
	// showMetadata adds the chart's name and versions (get all).
	showMetadata bool
	// showDescription adds the revision's description (--show-desc).
	showDescription bool
	// debug adds the user-supplied and computed values, the hooks and
	// the manifest (get all, --debug).
	debug     bool
	hideNotes bool
	// showResources prints resources, kpkg's table of each object's live
	// readiness (--show-resources).
	showResources bool
	resources     []kube.ObjectStatus
}

// printRelease prints a revision as Helm's status output does. Times are
// printed in the zone they were stored with, as Helm prints them. A dry
// run ("Dry run complete") also prints its hooks and manifest.
func printRelease(w io.Writer, rel *release.Release, o statusOptions) error {
	fmt.Fprintf(w, "NAME: %s\n", rel.Name)
	if !rel.Info.LastDeployed.IsZero() {
		fmt.Fprintf(w, "LAST DEPLOYED: %s\n", rel.Info.LastDeployed.Format(time.ANSIC))
	}
	fmt.Fprintf(w, "NAMESPACE: %s\nSTATUS: %s\nREVISION: %d\n", rel.Namespace, rel.Info.Status, rel.Version)
	if o.showMetadata {
		var md chart.Metadata
		if rel.Chart != nil && rel.Chart.Metadata != nil {
			md = *rel.Chart.Metadata
		}
		fmt.Fprintf(w, "CHART: %s\nVERSION: %s\nAPP_VERSION: %s\n", md.Name, md.Version, md.AppVersion)
	}
	if o.showDescription {
		fmt.Fprintf(w, "DESCRIPTION: %s\n", rel.Info.Description)
	}
	if o.showResources && len(o.resources) > 0 {
		if err := printResources(w, o.resources); err != nil {
			return err
		}
	}
	printTestSuite(w, rel)
	if o.debug {
		if err := printValueSections(w, rel); err != nil {
			return err
		}
	}
	if o.debug || strings.EqualFold(rel.Info.Description, "Dry run complete") {
		fmt.Fprintln(w, "HOOKS:")
		for _, h := range rel.Hooks {
			fmt.Fprintf(w, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
		}
		fmt.Fprintf(w, "MANIFEST:\n%s\n", rel.Manifest)
	}
	if !o.hideNotes && rel.Info.Notes != "" {
		fmt.Fprintf(w, "NOTES:\n%s\n", strings.TrimSpace(rel.Info.Notes))
	}
	return nil
}

// printResources is kpkg's resources section: every object of the
// revision with its live readiness.
func printResources(w io.Writer, resources []kube.ObjectStatus) error {
	fmt.Fprintln(w, "RESOURCES:")
	tw := newTable(w)
	fmt.Fprintln(tw, "KIND\tNAME\tNAMESPACE\tSTATUS\tMESSAGE")
	for _, r := range resources {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Kind, r.Name, r.Namespace, r.Status, r.Message)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w)
	return err
}

// printValueSections prints the user-supplied and the computed values,
// each followed by an empty line.
func printValueSections(w io.Writer, rel *release.Release) error {
	fmt.Fprintln(w, "USER-SUPPLIED VALUES:")
	if err := writeYAML(w, rel.Config); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nCOMPUTED VALUES:")
	if err := writeYAML(w, release.ComputedValues(rel)); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w)
	return err
}

// printTestSuite prints the last run of each test hook that ran, or
// "TEST SUITE: None" when the revision has no test hooks.
func printTestSuite(w io.Writer, rel *release.Release) {
	tests := 0
	for _, h := range rel.Hooks {
		if !h.IsTest() {
			continue
		}
		tests++
		if h.LastRun.StartedAt.IsZero() {
			continue
		}
		fmt.Fprintf(w, "TEST SUITE:     %s\nLast Started:   %s\nLast Completed: %s\nPhase:          %s\n",
			h.Name, h.LastRun.StartedAt.Format(time.ANSIC), h.LastRun.CompletedAt.Format(time.ANSIC), h.LastRun.Phase)
	}
	if tests == 0 {
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
