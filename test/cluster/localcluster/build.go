package localcluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// BuildOptions says where the harness sources are and where binaries go.
type BuildOptions struct {
	// SourceDir is test/cluster in the kpkg repository.
	SourceDir string
	// CacheRoot holds one directory per binary set; empty means
	// DefaultCacheRoot().
	CacheRoot string
	// Log receives build progress; nil discards it.
	Log io.Writer
}

// Build returns the binary set for the harness sources, building it first
// when the cache does not hold it. Concurrent callers (a test run and a
// demo, say) wait for one another instead of compiling twice.
func Build(ctx context.Context, opts BuildOptions) (Binaries, error) {
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	root := opts.CacheRoot
	if root == "" {
		var err error
		if root, err = DefaultCacheRoot(); err != nil {
			return Binaries{}, err
		}
	}
	src, err := filepath.Abs(opts.SourceDir)
	if err != nil {
		return Binaries{}, fmt.Errorf("resolve harness source dir: %w", err)
	}
	plan, err := planBuild(ctx, src)
	if err != nil {
		return Binaries{}, fmt.Errorf("plan the cluster build: %w", err)
	}
	bins := Binaries{Dir: filepath.Join(root, plan.key)}
	if bins.Check() == nil {
		return bins, nil
	}

	if err := os.MkdirAll(root, 0o755); err != nil {
		return Binaries{}, fmt.Errorf("create cache root: %w", err)
	}
	unlock, err := lockFile(ctx, filepath.Join(root, ".build.lock"), log)
	if err != nil {
		return Binaries{}, err
	}
	defer unlock()
	// Whoever held the lock may have built this very set.
	if bins.Check() == nil {
		return bins, nil
	}

	fmt.Fprintf(log, "building cluster binaries (Kubernetes %s, etcd %s, kwok %s) into %s\n",
		plan.versions.Kubernetes, plan.versions.Etcd, plan.versions.Kwok, bins.Dir)
	partial := bins.Dir + ".partial"
	if err := os.RemoveAll(partial); err != nil {
		return Binaries{}, fmt.Errorf("clear an earlier partial build: %w", err)
	}
	if err := os.MkdirAll(partial, 0o755); err != nil {
		return Binaries{}, fmt.Errorf("create build dir: %w", err)
	}
	if err := buildInto(ctx, plan, partial, log); err != nil {
		return Binaries{}, err
	}
	if err := os.RemoveAll(bins.Dir); err != nil {
		return Binaries{}, fmt.Errorf("clear an incomplete binary set: %w", err)
	}
	if err := os.Rename(partial, bins.Dir); err != nil {
		return Binaries{}, fmt.Errorf("publish binary set: %w", err)
	}
	return bins, bins.Check()
}

// buildInto builds every program and the stage configuration into dir and
// marks it complete.
func buildInto(ctx context.Context, plan buildPlan, dir string, log io.Writer) error {
	start := time.Now()
	out := dir + string(filepath.Separator)
	// One go build for all control-plane programs: they share most
	// packages, which then compile once.
	if err := runGo(ctx, log, filepath.Join(plan.sourceDir, "controlplane"),
		"build", "-trimpath", "-ldflags", versionLDFlags(plan.versions.Kubernetes), "-o", out, "tool", "./etcd"); err != nil {
		return fmt.Errorf("build the control plane: %w", err)
	}
	fmt.Fprintf(log, "control plane built in %s\n", time.Since(start).Round(time.Second))

	start = time.Now()
	if err := runGo(ctx, log, filepath.Join(plan.sourceDir, "kwok"),
		"build", "-trimpath", "-ldflags", "-s -w", "-o", out, "tool"); err != nil {
		return fmt.Errorf("build kwok: %w", err)
	}
	fmt.Fprintf(log, "kwok built in %s\n", time.Since(start).Round(time.Second))

	if err := assembleStages(ctx, plan.sourceDir, filepath.Join(dir, stagesFile)); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, completeMarker), []byte(plan.key+"\n"), 0o644); err != nil {
		return fmt.Errorf("mark binary set complete: %w", err)
	}
	return nil
}

// versionLDFlags stamps the release into component-base and client-go, so
// the servers report (and gate features by) their real version instead of
// v0.0.0-master.
func versionLDFlags(release string) string {
	major, minor := "", ""
	if parts := strings.SplitN(strings.TrimPrefix(release, "v"), ".", 3); len(parts) >= 2 {
		major, minor = parts[0], parts[1]
	}
	flags := []string{"-s", "-w"}
	for _, pkg := range []string{"k8s.io/component-base/version", "k8s.io/client-go/pkg/version"} {
		flags = append(flags,
			"-X", pkg+".gitVersion="+release,
			"-X", pkg+".gitMajor="+major,
			"-X", pkg+".gitMinor="+minor,
			"-X", pkg+".gitTreeState=clean",
		)
	}
	return strings.Join(flags, " ")
}

// lockFile takes an exclusive flock on path, polling so that ctx can end
// the wait. The returned function releases it.
func lockFile(ctx context.Context, path string, log io.Writer) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open build lock: %w", err)
	}
	announced := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				_ = f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			_ = f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !announced {
			fmt.Fprintf(log, "waiting for another cluster build to finish (%s)\n", path)
			announced = true
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("wait for build lock %s: %w", path, ctx.Err())
		case <-time.After(time.Second):
		}
	}
}
