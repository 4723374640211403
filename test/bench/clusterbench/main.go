// Command clusterbench times release operations of kpkg, Helm v3 and
// Helm v4 side by side on a running cluster (`make bench-cluster` starts
// one): install, upgrade, rollback and uninstall, each with --wait, of
// generated charts of growing size and of kube-prometheus-stack, repeated
// with the tools' order rotated and reported as medians. A last kpkg pass
// per chart runs under --debug to count kpkg's requests to the API server
// and the time they waited for its client-side rate limiters.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "clusterbench:", err)
		os.Exit(1)
	}
}

type config struct {
	kubeconfig string
	tools      []tool
	sizes      []int
	reps       int
	largeReps  int
	helm4Reps  int
	corpus     string
	timeout    time.Duration
	out        string
}

func parseFlags() (config, error) {
	var c config
	var kpkg, helm3, helm4, sizes string
	flag.StringVar(&c.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the cluster to measure on")
	flag.StringVar(&kpkg, "kpkg", "bin/kpkg", "kpkg binary")
	flag.StringVar(&helm3, "helm3", os.Getenv("KPKG_TEST_HELM3"), "Helm v3 binary")
	flag.StringVar(&helm4, "helm4", os.Getenv("KPKG_TEST_HELM4"), "Helm v4 binary ('' leaves Helm 4 out)")
	flag.StringVar(&sizes, "sizes", "100,300,1000", "object counts of the generated charts")
	flag.IntVar(&c.reps, "reps", 3, "runs of each tool on each chart")
	flag.IntVar(&c.largeReps, "large-reps", 1, "runs of each tool on charts of 1,000 objects or more")
	flag.IntVar(&c.helm4Reps, "helm4-reps", 1, "runs of Helm 4 on each chart (it is the slowest by far)")
	flag.StringVar(&c.corpus, "corpus", "../shared/corpus", "corpus holding charts/kube-prometheus-stack ('' leaves it out)")
	flag.DurationVar(&c.timeout, "timeout", 20*time.Minute, "--timeout of each operation")
	flag.StringVar(&c.out, "out", "bench-cluster.out", "file for the raw timings, one line per operation")
	flag.Parse()
	if c.kubeconfig == "" {
		return c, fmt.Errorf("no kubeconfig: pass -kubeconfig or set KUBECONFIG")
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 3 {
			return c, fmt.Errorf("bad size %q in -sizes", s)
		}
		c.sizes = append(c.sizes, n)
	}
	for _, t := range []tool{{name: "kpkg", path: kpkg}, {name: "helm3", path: helm3}, {name: "helm4", path: helm4}} {
		if t.path == "" {
			if t.name == "helm4" {
				continue
			}
			return c, fmt.Errorf("no %s binary given", t.name)
		}
		abs, err := filepath.Abs(t.path)
		if err != nil {
			return c, err
		}
		if _, err := os.Stat(abs); err != nil {
			return c, fmt.Errorf("%s binary: %w", t.name, err)
		}
		t.path = abs
		c.tools = append(c.tools, t)
	}
	return c, nil
}

func run() error {
	c, err := parseFlags()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "kpkg-bench-cluster-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	b, err := newBench(c, tmp)
	if err != nil {
		return err
	}
	defer b.close()
	workloads, err := b.workloads(tmp)
	if err != nil {
		return err
	}
	ctx := context.Background()
	for _, t := range b.tools {
		out, _ := exec.CommandContext(ctx, t.path, "version", "--short").Output()
		fmt.Printf("%s: %s (%s)\n", t.name, strings.TrimSpace(string(out)), t.path)
	}
	if err := b.warmUp(ctx, workloads); err != nil {
		return err
	}
	for _, w := range workloads {
		reps := c.reps
		if w.objects >= 1000 {
			reps = c.largeReps
		}
		for rep := range reps {
			for i := range b.tools {
				t := b.tools[(i+rep)%len(b.tools)]
				if t.name == "helm4" && rep >= c.helm4Reps {
					continue
				}
				b.cycle(ctx, w, t, rep, false)
			}
		}
		b.cycle(ctx, w, b.tools[0], reps, true)
	}
	printTable(os.Stdout, b.results, workloads, b.tools)
	return nil
}
