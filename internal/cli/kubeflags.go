package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/release"
	"github.com/kpkg/kpkg/pkg/release/storage"
	"github.com/kpkg/kpkg/pkg/release/storage/helmv1"
	"github.com/kpkg/kpkg/pkg/release/storage/memory"
)

// kubeFlags are the cluster flags with Helm's spellings, backed by
// cli-runtime's ConfigFlags so KUBECONFIG and kubeconfig contexts behave as
// kubectl's do.
type kubeFlags struct {
	config *genericclioptions.ConfigFlags
	// recoverPending is --recover-pending, on the commands that change a
	// release.
	recoverPending bool
}

func newKubeFlags() *kubeFlags {
	return &kubeFlags{config: genericclioptions.NewConfigFlags(false)}
}

// register adds the flags. Each takes its default from the KPKG_
// environment variable Helm spells HELM_ (KPKG_NAMESPACE for HELM_NAMESPACE,
// and so on), so CI jobs configured by environment keep working.
func (k *kubeFlags) register(fs *pflag.FlagSet) {
	c := k.config
	env := os.Getenv
	fs.StringVar(c.KubeConfig, "kubeconfig", "", "path to the kubeconfig file")
	fs.StringVar(c.Context, "kube-context", env("KPKG_KUBECONTEXT"), "name of the kubeconfig context to use ($KPKG_KUBECONTEXT)")
	fs.StringVarP(c.Namespace, "namespace", "n", env("KPKG_NAMESPACE"), "namespace scope for this request ($KPKG_NAMESPACE)")
	fs.StringVar(c.Impersonate, "kube-as-user", env("KPKG_KUBEASUSER"), "username to impersonate for the operation ($KPKG_KUBEASUSER)")
	fs.StringArrayVar(c.ImpersonateGroup, "kube-as-group", envList(env("KPKG_KUBEASGROUPS")), "group to impersonate for the operation, this flag can be repeated to specify multiple groups ($KPKG_KUBEASGROUPS, comma-separated)")
	fs.StringVar(c.BearerToken, "kube-token", env("KPKG_KUBETOKEN"), "bearer token used for authentication ($KPKG_KUBETOKEN)")
	fs.StringVar(c.APIServer, "kube-apiserver", env("KPKG_KUBEAPISERVER"), "the address and the port for the Kubernetes API server ($KPKG_KUBEAPISERVER)")
	fs.StringVar(c.CAFile, "kube-ca-file", env("KPKG_KUBECAFILE"), "the certificate authority file for the Kubernetes API server connection ($KPKG_KUBECAFILE)")
	insecure, _ := strconv.ParseBool(env("KPKG_KUBEINSECURE_SKIP_TLS_VERIFY"))
	fs.BoolVar(c.Insecure, "kube-insecure-skip-tls-verify", insecure, "if true, the Kubernetes API server's certificate will not be checked for validity (insecure) ($KPKG_KUBEINSECURE_SKIP_TLS_VERIFY)")
}

// registerRecover adds --recover-pending to a command that changes a
// release.
func (k *kubeFlags) registerRecover(fs *pflag.FlagSet) {
	fs.BoolVar(&k.recoverPending, "recover-pending", false, "mark failed, without waiting, a revision that another tool (such as Helm, which takes no lock) left pending, and proceed")
}

// addHistoryMaxFlag registers --history-max, defaulting to
// $KPKG_MAX_HISTORY, else 10, as Helm does with HELM_MAX_HISTORY.
func addHistoryMaxFlag(fs *pflag.FlagSet, max *int) {
	def := 10
	if v, err := strconv.Atoi(os.Getenv("KPKG_MAX_HISTORY")); err == nil {
		def = v
	}
	fs.IntVar(max, "history-max", def, "limit the maximum number of revisions saved per release. Use 0 for no limit ($KPKG_MAX_HISTORY)")
}

// envList splits a comma-separated environment value; empty gives nil.
func envList(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// namespace is --namespace, else the kubeconfig context's, else "default".
func (k *kubeFlags) namespace() (string, error) {
	ns, _, err := k.config.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return "", fmt.Errorf("resolve the namespace (check --kubeconfig and --kube-context): %w", err)
	}
	return ns, nil
}

// releaseConfig connects to the cluster and wires progress to stderr.
func (k *kubeFlags) releaseConfig(streams IO) (*release.Config, string, error) {
	ns, err := k.namespace()
	if err != nil {
		return nil, "", err
	}
	client, err := kube.New(k.config)
	if err != nil {
		return nil, "", err
	}
	client.Namespace = ns
	driver, err := storageDriver(client, os.Getenv("HELM_DRIVER"))
	if err != nil {
		return nil, "", err
	}
	cfg := release.NewConfig(client, driver)
	cfg.RecoverPending = k.recoverPending
	p := newProgress(streams.Err)
	cfg.OnEvent = p.event
	cfg.Log = p.log
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
