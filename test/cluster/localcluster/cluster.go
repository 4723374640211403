package localcluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// ErrAlreadyRunning is returned by Start when its run directory belongs to
// a cluster whose processes are still alive.
var ErrAlreadyRunning = errors.New("a cluster is already running in this run directory")

// Options configure Start.
type Options struct {
	// Binaries is the program set to run (see Build).
	Binaries Binaries
	// RunDir receives the cluster's state, logs and kubeconfig. Put it on
	// tmpfs (see DefaultRunDir): etcd writes there.
	RunDir string
	// Detach leaves the cluster running after this program exits (as
	// `make cluster-up` needs); otherwise the components die with it.
	Detach bool
	// Log receives progress lines; nil discards them.
	Log io.Writer
	// Timeout bounds the whole start; zero means three minutes.
	Timeout time.Duration
}

// Cluster is a started local cluster.
type Cluster struct {
	// RunDir holds the cluster's state; Stop removes it.
	RunDir string
	// Kubeconfig is the path of an admin kubeconfig (system:masters).
	Kubeconfig string
	// Server is the API server's URL.
	Server string

	restConfig *rest.Config
	procs      []*process
	layout     layout
	// specs say how each process was started, by name, for Restart; nil
	// for a cluster loaded from a run directory.
	specs map[string]procSpec
}

// RESTConfig returns a copy of the admin client configuration.
func (c *Cluster) RESTConfig() *rest.Config { return rest.CopyConfig(c.restConfig) }

// Start starts etcd, the control plane and kwok in opts.RunDir and returns
// once the API server is ready, the default ServiceAccount exists and the
// fake Node is Ready. On any failure it stops what it started and removes
// the run directory.
func Start(ctx context.Context, opts Options) (_ *Cluster, err error) {
	began := time.Now()
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 3 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if err := opts.Binaries.Check(); err != nil {
		return nil, err
	}
	runDir, err := filepath.Abs(opts.RunDir)
	if err != nil {
		return nil, fmt.Errorf("resolve run dir: %w", err)
	}
	l := layout{root: runDir}
	if err := prepareRunDir(l); err != nil {
		return nil, err
	}

	c := &Cluster{RunDir: runDir, Kubeconfig: l.kubeconfig(), layout: l}
	defer func() {
		if err != nil {
			if stopErr := c.Stop(); stopErr != nil {
				err = errors.Join(err, fmt.Errorf("clean up after the failed start: %w", stopErr))
			}
		}
	}()

	p, err := freePorts()
	if err != nil {
		return nil, err
	}
	certs, err := writePKI(l.path("pki"), firstServiceIP())
	if err != nil {
		return nil, err
	}
	c.Server = "https://127.0.0.1:" + strconv.Itoa(p.APIServer)
	if err := writeKubeconfig(c.Kubeconfig, c.Server, certs); err != nil {
		return nil, err
	}
	if c.restConfig, err = clientcmd.BuildConfigFromFlags("", c.Kubeconfig); err != nil {
		return nil, fmt.Errorf("load the new kubeconfig: %w", err)
	}

	// KWOK_WORKDIR keeps kwok from reading ~/.kwok/kwok.yaml.
	env := append(os.Environ(), "KWOK_WORKDIR="+l.path("kwok"))
	// All components start at once: the controllers and kwok retry until
	// the API server answers, which overlaps their start-up with its own.
	c.specs = map[string]procSpec{}
	for _, spec := range componentSpecs(opts.Binaries, l, p, certs, env, opts.Detach) {
		c.specs[spec.name] = spec
		proc, err := startProcess(spec)
		if err != nil {
			return nil, err
		}
		c.procs = append(c.procs, proc)
		if err := writePIDs(l.pidsFile(), c.procs); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(log, "cluster processes started in %s; waiting for readiness\n", runDir)

	if err := waitReady(ctx, c, p, log); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "cluster ready in %s (API server %s)\n", time.Since(began).Round(10*time.Millisecond), c.Server)
	return c, nil
}

// Stop stops every process of the cluster, last started first, and
// removes the run directory.
func (c *Cluster) Stop() error {
	var errs []error
	for i := len(c.procs) - 1; i >= 0; i-- {
		if err := c.procs[i].stop(10 * time.Second); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		// Keep the state: something may still be using it.
		return errors.Join(errs...)
	}
	if err := removeRunDir(c.layout); err != nil {
		return err
	}
	return nil
}

// StopRunDir stops the cluster recorded in runDir by an earlier Start
// (normally a detached one) and removes runDir. A missing runDir is not an
// error.
func StopRunDir(runDir string) error {
	l := layout{root: runDir}
	if _, err := os.Stat(runDir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	// No pids file: the start died before launching anything.
	procs, err := readPIDs(l.pidsFile())
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	c := &Cluster{RunDir: runDir, layout: l, procs: procs}
	return c.Stop()
}

// firstServiceIP is the ClusterIP of the kubernetes Service: the first
// address of the service range. The serving certificate must cover it.
func firstServiceIP() net.IP {
	_, ipnet, err := net.ParseCIDR(serviceCIDR)
	if err != nil {
		panic(fmt.Sprintf("serviceCIDR constant %q is invalid: %v", serviceCIDR, err))
	}
	ip := ipnet.IP.To4()
	return net.IPv4(ip[0], ip[1], ip[2], ip[3]+1)
}

// KubeconfigPath is where the admin kubeconfig of the cluster in runDir is.
func KubeconfigPath(runDir string) string { return layout{root: runDir}.kubeconfig() }
