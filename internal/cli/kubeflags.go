package cli

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/release"
)

// kubeFlags are the cluster flags with Helm's spellings, backed by
// cli-runtime's ConfigFlags so KUBECONFIG and kubeconfig contexts behave as
// kubectl's do.
type kubeFlags struct {
	config *genericclioptions.ConfigFlags
}

func newKubeFlags() *kubeFlags {
	return &kubeFlags{config: genericclioptions.NewConfigFlags(false)}
}

func (k *kubeFlags) register(fs *pflag.FlagSet) {
	c := k.config
	fs.StringVar(c.KubeConfig, "kubeconfig", "", "path to the kubeconfig file")
	fs.StringVar(c.Context, "kube-context", "", "name of the kubeconfig context to use")
	fs.StringVarP(c.Namespace, "namespace", "n", "", "namespace scope for this request")
	fs.StringVar(c.Impersonate, "kube-as-user", "", "username to impersonate for the operation")
	fs.StringArrayVar(c.ImpersonateGroup, "kube-as-group", nil, "group to impersonate for the operation, this flag can be repeated to specify multiple groups")
	fs.StringVar(c.BearerToken, "kube-token", "", "bearer token used for authentication")
	fs.StringVar(c.APIServer, "kube-apiserver", "", "the address and the port for the Kubernetes API server")
	fs.StringVar(c.CAFile, "kube-ca-file", "", "the certificate authority file for the Kubernetes API server connection")
	fs.BoolVar(c.Insecure, "kube-insecure-skip-tls-verify", false, "if true, the Kubernetes API server's certificate will not be checked for validity (insecure)")
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
	cfg := release.NewConfig(client)
	p := newProgress(streams.Err)
	cfg.OnEvent = p.event
	cfg.Log = p.log
	return cfg, ns, nil
}

// addWaitFlags registers Helm's --wait, --wait-for-jobs and --timeout.
func addWaitFlags(fs *pflag.FlagSet, wait, waitForJobs *bool, timeout *time.Duration) {
	fs.BoolVar(wait, "wait", false, "if set, will wait until all Pods, PVCs, Services, and minimum number of Pods of a Deployment, StatefulSet, or ReplicaSet are in a ready state before marking the release as successful. It will wait for as long as --timeout")
	fs.BoolVar(waitForJobs, "wait-for-jobs", false, "if set and --wait enabled, will wait until all Jobs have been completed before marking the release as successful. It will wait for as long as --timeout")
	fs.DurationVar(timeout, "timeout", 5*time.Minute, "time to wait for any individual Kubernetes operation (like Jobs for hooks)")
}
