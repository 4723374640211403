package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// median of the successful timings; false when there are none.
func median(ds []time.Duration) (time.Duration, bool) {
	if len(ds) == 0 {
		return 0, false
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}

// cell is one tool's figures for one workload and operation.
type cell struct {
	median time.Duration
	cpu    time.Duration
	ok     bool
	runs   int
	failed int
}

func summarize(results []result, w, tool, op string) cell {
	var c cell
	var ds, cpu []time.Duration
	for _, r := range results {
		if r.Workload != w || r.Tool != tool || r.Op != op || r.Counting {
			continue
		}
		if r.Failed != "" {
			c.failed++
			continue
		}
		ds, cpu = append(ds, r.Took), append(cpu, r.CPU)
	}
	c.cpu, _ = median(cpu)
	c.runs = len(ds)
	c.median, c.ok = median(ds)
	return c
}

func (c cell) String() string {
	switch {
	case !c.ok && c.failed > 0:
		return "failed"
	case !c.ok:
		return "-"
	case c.failed > 0:
		return fmt.Sprintf("%.2f s (%d failed)", c.median.Seconds(), c.failed)
	}
	return fmt.Sprintf("%.2f s", c.median.Seconds())
}

func ratio(slow, fast cell) string {
	if !slow.ok || !fast.ok || fast.median == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fx", slow.median.Seconds()/fast.median.Seconds())
}

// counted is kpkg's request count and throttling for one operation.
func counted(results []result, w, op string) (int64, time.Duration, bool) {
	for _, r := range results {
		if r.Workload == w && r.Op == op && r.Counting && r.Failed == "" && r.Requests > 0 {
			return r.Requests, r.Throttled, true
		}
	}
	return 0, 0, false
}

// printTable writes the medians as a Markdown table, the ratios of each
// Helm to kpkg (above 1: kpkg is faster), kpkg's requests, and how kpkg's
// time grows with the chart's size.
func printTable(out io.Writer, results []result, workloads []*workload, tools []tool) {
	helms := tools[1:]
	fmt.Fprint(out, "\n| chart | operation | kpkg")
	for _, h := range helms {
		fmt.Fprintf(out, " | %s | %s / kpkg", h.name, h.name)
	}
	fmt.Fprint(out, " | kpkg CPU | kpkg requests per object | kpkg throttled |\n| --- | --- | --:")
	for range helms {
		fmt.Fprint(out, " | --: | --:")
	}
	fmt.Fprint(out, " | --: | --: | --: |\n")
	for _, w := range workloads {
		for _, op := range ops {
			k := summarize(results, w.id, "kpkg", op)
			fmt.Fprintf(out, "| %s (%d objects) | %s --wait | %s", w.name, w.objects, op, k)
			for _, h := range helms {
				c := summarize(results, w.id, h.name, op)
				fmt.Fprintf(out, " | %s | %s", c, ratio(c, k))
			}
			fmt.Fprintf(out, " | %.2f s", k.cpu.Seconds())
			req, thr, ok := counted(results, w.id, op)
			if ok && w.objects > 0 {
				fmt.Fprintf(out, " | %.2f (%d) | %s |\n", float64(req)/float64(w.objects), req, thr.Round(time.Millisecond))
			} else {
				fmt.Fprint(out, " | - | - |\n")
			}
		}
	}
	printScaling(out, results, workloads)
}

// printScaling compares kpkg's time on the generated charts with the one
// of 300 objects (or the first size).
func printScaling(out io.Writer, results []result, workloads []*workload) {
	var gen []*workload
	for _, w := range workloads {
		if w.upgrade != nil && len(w.install) == 0 {
			gen = append(gen, w)
		}
	}
	if len(gen) < 2 {
		return
	}
	base := gen[0]
	for _, w := range gen {
		if w.objects == 300 {
			base = w
		}
	}
	for _, w := range gen {
		if w == base {
			continue
		}
		fmt.Fprintf(out, "\nkpkg, %d objects against %d (%.1fx the objects):", w.objects, base.objects, float64(w.objects)/float64(base.objects))
		for _, op := range ops {
			fmt.Fprintf(out, " %s %s", op, ratio(summarize(results, w.id, "kpkg", op), summarize(results, base.id, "kpkg", op)))
		}
		fmt.Fprintln(out)
	}
}
