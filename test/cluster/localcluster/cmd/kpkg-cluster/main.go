// Command kpkg-cluster builds, starts and stops kpkg's local test cluster
// (see package localcluster). The Makefile targets cluster-build,
// cluster-up and cluster-down call it.
//
//	kpkg-cluster build -src test/cluster            # prints the binary dir
//	kpkg-cluster up    -src test/cluster -name demo # last line: KUBECONFIG=<path>
//	kpkg-cluster down  -name demo
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kpkg/kpkg/test/cluster/localcluster"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "kpkg-cluster: %v\n", err)
		os.Exit(1)
	}
}

func usage() error {
	return errors.New("usage: kpkg-cluster build|up|down [flags] (see -h of each)")
}

func run(args []string) error {
	if len(args) == 0 {
		return usage()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	src := fs.String("src", ".", "the harness sources (test/cluster)")
	cache := fs.String("cache", "", "binary cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/kpkg/cluster)")
	name := fs.String("name", "default", "cluster name; picks the run dir, so clusters of different names run side by side")
	runDir := fs.String("run-dir", "", "run directory (default: on tmpfs, derived from -name)")
	timeout := fs.Duration("timeout", 3*time.Minute, "how long `up` may wait for readiness")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *runDir == "" {
		*runDir = localcluster.DefaultRunDir(*name)
	}
	build := func() (localcluster.Binaries, error) {
		// Without a bound, a wedged build would hang make forever; the
		// cold build takes about ten minutes on two cores.
		ctx, cancel := context.WithTimeout(ctx, 45*time.Minute)
		defer cancel()
		return localcluster.Build(ctx, localcluster.BuildOptions{SourceDir: *src, CacheRoot: *cache, Log: os.Stderr})
	}

	switch args[0] {
	case "build":
		bins, err := build()
		if err != nil {
			return err
		}
		fmt.Println(bins.Dir)
		return nil
	case "up":
		bins, err := build()
		if err != nil {
			return err
		}
		c, err := localcluster.Start(ctx, localcluster.Options{
			Binaries: bins, RunDir: *runDir, Detach: true, Log: os.Stderr, Timeout: *timeout,
		})
		if errors.Is(err, localcluster.ErrAlreadyRunning) {
			fmt.Fprintf(os.Stderr, "cluster %q is already running in %s; reusing it\n", *name, *runDir)
			fmt.Printf("KUBECONFIG=%s\n", localcluster.KubeconfigPath(*runDir))
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "cluster %q is up; stop it with: make cluster-down CLUSTER_NAME=%s\n", *name, *name)
		fmt.Printf("KUBECONFIG=%s\n", c.Kubeconfig)
		return nil
	case "down":
		if err := localcluster.StopRunDir(*runDir); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "cluster in %s stopped\n", *runDir)
		return nil
	default:
		return usage()
	}
}
