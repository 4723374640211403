package cli

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/rest"

	"github.com/kpkg/kpkg/pkg/helmenv"
	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/release"
	"github.com/kpkg/kpkg/pkg/release/storage"
	"github.com/kpkg/kpkg/pkg/release/storage/helmv1"
	"github.com/kpkg/kpkg/pkg/release/storage/memory"
)

// kubeFlags connect to the cluster Helm's global flags and variables
// describe, through cli-runtime's ConfigFlags, so KUBECONFIG and kubeconfig
// contexts behave as in Helm and kubectl.
type kubeFlags struct {
	settings helmenv.Settings
	config   *genericclioptions.ConfigFlags
	// recoverPending is --recover-pending, on the commands that change a
	// release.
	recoverPending bool
}

// kubeOf is the cluster connection of the command running.
func kubeOf(cmd *cobra.Command) *kubeFlags {
	k := newKubeFlags(envSettings(cmd))
	if f := cmd.Flags().Lookup(recoverPendingFlag); f != nil {
		k.recoverPending = f.Value.String() == "true"
	}
	return k
}

func newKubeFlags(s helmenv.Settings) *kubeFlags {
	c := genericclioptions.NewConfigFlags(false)
	*c.Namespace = s.Namespace
	*c.KubeConfig = s.KubeConfig
	*c.Context = s.KubeContext
	*c.BearerToken = s.KubeToken
	*c.Impersonate = s.KubeAsUser
	*c.ImpersonateGroup = append([]string(nil), s.KubeAsGroups...)
	*c.APIServer = s.KubeAPIServer
	*c.CAFile = s.KubeCAFile
	*c.TLSServerName = s.KubeTLSServerName
	*c.Insecure = s.KubeInsecureSkipTLSVerify
	return &kubeFlags{settings: s, config: c}
}

const recoverPendingFlag = "recover-pending"

// addRecoverPendingFlag adds --recover-pending to a command that changes a
// release; kubeOf reads it.
func addRecoverPendingFlag(fs *pflag.FlagSet) {
	fs.Bool(recoverPendingFlag, false, "mark failed, without waiting, a revision that another tool (such as Helm, which takes no lock) left pending, and proceed")
}

// addHistoryMaxFlag registers --history-max, defaulting to
// $HELM_MAX_HISTORY (or $KPKG_MAX_HISTORY), else 10, as Helm does.
func addHistoryMaxFlag(fs *pflag.FlagSet, max *int) {
	def := helmenv.New(os.Getenv).MaxHistory
	fs.IntVar(max, "history-max", def, "limit the maximum number of revisions saved per release. Use 0 for no limit")
}

// namespace is Helm's: the one --namespace or HELM_NAMESPACE gives, else
// the kubeconfig context's, else "default". A kubeconfig that cannot be
// read leaves the first and the last, as in Helm; commands that connect
// report it when they do.
func (k *kubeFlags) namespace() string {
	if ns, _, err := k.config.ToRawKubeConfigLoader().Namespace(); err == nil && ns != "" {
		return ns
	}
	if k.settings.Namespace != "" {
		return k.settings.Namespace
	}
	return helmenv.DefaultNamespace
}

// client connects to the cluster for namespace ns.
func (k *kubeFlags) client(ns string) (*kube.Client, error) {
	cfg, err := k.config.ToRESTConfig()
	if err != nil {
		return nil, &kube.ConfigError{Err: err}
	}
	return kube.NewForConfig(withRates(rest.CopyConfig(cfg), k.settings), ns)
}

// withRates sets the client-side rate limit: --qps and --burst-limit (or
// HELM_QPS and HELM_BURST_LIMIT) where they differ from Helm's defaults,
// else pkg/kube's higher defaults: applying a chart is bursty, and the API
// server protects itself with priority and fairness.
func withRates(cfg *rest.Config, s helmenv.Settings) *rest.Config {
	cfg.QPS, cfg.Burst = kube.DefaultQPS, kube.DefaultBurst
	if s.QPS != helmenv.DefaultQPS {
		cfg.QPS = s.QPS
	}
	if s.BurstLimit != helmenv.DefaultBurstLimit {
		cfg.Burst = s.BurstLimit
	}
	return cfg
}

// releaseConfig connects to the cluster and wires progress to stderr.
func (k *kubeFlags) releaseConfig(streams IO) (*release.Config, string, error) {
	ns := k.namespace()
	client, err := k.client(ns)
	if err != nil {
		return nil, "", err
	}
	driver, err := storageDriver(client, k.settings.Driver)
	if err != nil {
		return nil, "", err
	}
	cfg := release.NewConfig(client, driver)
	cfg.RecoverPending = k.recoverPending
	if k.settings.Debug {
		// Steps and readiness go to the debug log, one record each,
		// instead of the live table.
		log := debugLogger(streams.Err, k.settings)
		logSettings(log, k.settings)
		log.Debug("cluster", "host", client.Host(), "namespace", ns, "driver", driver.Name())
		cfg.OnEvent, cfg.Log, cfg.Debug = logEvent(log), logf(log), logf(log)
	} else {
		p := newProgress(streams.Err)
		cfg.OnEvent, cfg.Log = p.event, p.log
	}
	cfg.OnStored = func(rel *release.Release, pl storage.Placement) {
		if pl.External {
			fmt.Fprintf(streams.Err, "WARNING: revision %d of release %s is %d bytes compressed, more than one %s holds; kpkg stored it in %d parts. Helm lists and shows it but cannot upgrade from it, roll back to it or uninstall it: use kpkg for this revision.\n",
				rel.Version, rel.Name, pl.Bytes, driver.Name(), pl.Parts)
		}
	}
	return cfg, ns, nil
}

// storageDriver picks where revisions live from HELM_DRIVER, as Helm does:
// Secrets by default, "configmap", or "memory" (nothing kept).
func storageDriver(client *kube.Client, name string) (storage.Driver, error) {
	switch strings.ToLower(name) {
	case "", "secret", "secrets":
		return helmv1.New(client.Core(), client.Metadata(), helmv1.Options{Kind: helmv1.Secrets}), nil
	case "configmap", "configmaps":
		return helmv1.New(client.Core(), client.Metadata(), helmv1.Options{Kind: helmv1.ConfigMaps}), nil
	case "memory":
		return &memory.Driver{}, nil
	}
	return nil, fmt.Errorf("unknown release storage driver %q (HELM_DRIVER): use secret, configmap or memory (the sql driver is not supported)", name)
}

// addWaitFlags registers Helm's --wait, --wait-for-jobs and --timeout.
func addWaitFlags(fs *pflag.FlagSet, wait, waitForJobs *bool, timeout *time.Duration) {
	fs.BoolVar(wait, "wait", false, "if set, will wait until all Pods, PVCs, Services, and minimum number of Pods of a Deployment, StatefulSet, or ReplicaSet are in a ready state before marking the release as successful. It will wait for as long as --timeout")
	fs.BoolVar(waitForJobs, "wait-for-jobs", false, "if set and --wait enabled, will wait until all Jobs have been completed before marking the release as successful. It will wait for as long as --timeout")
	fs.DurationVar(timeout, "timeout", 5*time.Minute, "time to wait for any individual Kubernetes operation (like Jobs for hooks)")
}
