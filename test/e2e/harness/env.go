// Package harness gives kpkg's end-to-end tests a real Kubernetes API
// server: it starts a local cluster (or attaches to the running one that
// KPKG_E2E_KUBECONFIG names), builds admin clients for it, and hands each
// test a namespace of its own.
package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kpkg/kpkg/test/cluster/localcluster"
)

// Environment variables the harness reads.
const (
	// EnvKubeconfig names the kubeconfig of a running cluster to use
	// instead of starting one (e.g. the one `make cluster-up` printed).
	EnvKubeconfig = "KPKG_E2E_KUBECONFIG"
	// EnvClusterSrc is the harness sources (test/cluster); found by
	// walking up from the working directory when unset.
	EnvClusterSrc = "KPKG_CLUSTER_SRC"
)

// runDirPrefix names the run directories of clusters the harness starts.
const runDirPrefix = "e2e-"

// Env is the cluster the tests run against.
type Env struct {
	// Kubeconfig is the path of an admin kubeconfig, for tools run by the
	// tests (kpkg itself, kubectl).
	Kubeconfig string
	// Kubectl is the kubectl built with the cluster; empty when the
	// cluster was not started by the harness.
	Kubectl string
	Config  *rest.Config
	Client  kubernetes.Interface
	Dynamic dynamic.Interface

	// cluster is nil when the harness attached to someone else's.
	cluster *localcluster.Cluster
}

// Setup starts a cluster for the tests, or attaches to the one
// KPKG_E2E_KUBECONFIG names. Build progress and start-up go to log.
func Setup(ctx context.Context, log io.Writer) (*Env, error) {
	if path := os.Getenv(EnvKubeconfig); path != "" {
		fmt.Fprintf(log, "e2e: using the running cluster of %s\n", path)
		return newEnv(path, "", nil)
	}

	src := os.Getenv(EnvClusterSrc)
	if src == "" {
		var err error
		if src, err = findClusterSrc(); err != nil {
			return nil, err
		}
	}
	bins, err := localcluster.Build(ctx, localcluster.BuildOptions{SourceDir: src, Log: log})
	if err != nil {
		return nil, fmt.Errorf("build the cluster binaries: %w", err)
	}
	// Clear what killed runs left; their processes died with them.
	if err := localcluster.RemoveStaleRunDirs(runDirPrefix); err != nil {
		fmt.Fprintf(log, "e2e: %v\n", err)
	}
	runDir, err := localcluster.TempRunDir(runDirPrefix)
	if err != nil {
		return nil, err
	}
	cluster, err := localcluster.Start(ctx, localcluster.Options{Binaries: bins, RunDir: runDir, Log: log})
	if err != nil {
		return nil, fmt.Errorf("start the e2e cluster: %w", err)
	}
	env, err := newEnv(cluster.Kubeconfig, bins.Path(localcluster.BinKubectl), cluster)
	if err != nil {
		return nil, errors.Join(err, cluster.Stop())
	}
	return env, nil
}

// ErrNotOurCluster is returned by what only a cluster the harness started
// can do.
var ErrNotOurCluster = errors.New("the cluster was not started by the harness (KPKG_E2E_KUBECONFIG)")

// RestartAPIServer stops the API server gracefully, starts it again after
// down and returns once it is ready.
func (e *Env) RestartAPIServer(ctx context.Context, down time.Duration) error {
	if e.cluster == nil {
		return ErrNotOurCluster
	}
	return e.cluster.RestartAPIServer(ctx, down)
}

// Close stops the cluster if the harness started it.
func (e *Env) Close() error {
	if e.cluster == nil {
		return nil
	}
	if err := e.cluster.Stop(); err != nil {
		return fmt.Errorf("stop the e2e cluster: %w", err)
	}
	return nil
}

func newEnv(kubeconfig, kubectl string, cluster *localcluster.Cluster) (*Env, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig %s: %w", kubeconfig, err)
	}
	// Tests create and poll many objects; client-go's default of 5 QPS
	// would make them wait on the client, not on the cluster.
	cfg.QPS, cfg.Burst = 100, 200
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("build clientset: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("build dynamic client: %w", err)
	}
	return &Env{Kubeconfig: kubeconfig, Kubectl: kubectl, Config: cfg, Client: client, Dynamic: dyn, cluster: cluster}, nil
}

// findClusterSrc walks up from the working directory to the repository's
// test/cluster.
func findClusterSrc() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find test/cluster: %w", err)
	}
	for range 20 {
		candidate := filepath.Join(dir, "test", "cluster")
		if _, err := os.Stat(filepath.Join(candidate, "controlplane", "go.mod")); err == nil {
			return candidate, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("no test/cluster above the working directory; set %s", EnvClusterSrc)
}
