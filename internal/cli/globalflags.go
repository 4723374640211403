package cli

import (
	"flag"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/klog/v2"

	"github.com/kpkg/kpkg/pkg/helmenv"
)

// bindGlobalFlags registers Helm's global flags on fs, bound to s: Helm's
// names and help text, and s's values (read from the environment) as
// defaults, so flags beat HELM_* variables, which beat Helm's defaults.
func bindGlobalFlags(fs *pflag.FlagSet, s *helmenv.Settings) {
	fs.StringVarP(&s.Namespace, "namespace", "n", s.Namespace, "namespace scope for this request")
	fs.StringVar(&s.KubeConfig, "kubeconfig", s.KubeConfig, "path to the kubeconfig file")
	fs.StringVar(&s.KubeContext, "kube-context", s.KubeContext, "name of the kubeconfig context to use")
	fs.StringVar(&s.KubeToken, "kube-token", s.KubeToken, "bearer token used for authentication")
	fs.StringVar(&s.KubeAsUser, "kube-as-user", s.KubeAsUser, "username to impersonate for the operation")
	fs.StringArrayVar(&s.KubeAsGroups, "kube-as-group", s.KubeAsGroups, "group to impersonate for the operation, this flag can be repeated to specify multiple groups.")
	fs.StringVar(&s.KubeAPIServer, "kube-apiserver", s.KubeAPIServer, "the address and the port for the Kubernetes API server")
	fs.StringVar(&s.KubeCAFile, "kube-ca-file", s.KubeCAFile, "the certificate authority file for the Kubernetes API server connection")
	fs.StringVar(&s.KubeTLSServerName, "kube-tls-server-name", s.KubeTLSServerName, "server name to use for Kubernetes API server certificate validation. If it is not provided, the hostname used to contact the server is used")
	fs.BoolVar(&s.KubeInsecureSkipTLSVerify, "kube-insecure-skip-tls-verify", s.KubeInsecureSkipTLSVerify, "if true, the Kubernetes API server's certificate will not be checked for validity. This will make your HTTPS connections insecure")
	fs.BoolVar(&s.Debug, "debug", s.Debug, "enable verbose output")
	fs.StringVar(&s.RegistryConfig, "registry-config", s.RegistryConfig, "path to the registry config file")
	fs.StringVar(&s.RepositoryConfig, "repository-config", s.RepositoryConfig, "path to the file containing repository names and URLs")
	fs.StringVar(&s.RepositoryCache, "repository-cache", s.RepositoryCache, "path to the directory containing cached repository indexes")
	fs.IntVar(&s.BurstLimit, "burst-limit", s.BurstLimit, "client-side default throttling limit")
	fs.Float32Var(&s.QPS, "qps", s.QPS, "queries per second used when communicating with the Kubernetes API, not including bursting")
}

// addGlobalFlags puts Helm's global flags on root, plus the Kubernetes
// client's logging flags (--v, --vmodule, ...), hidden, as Helm has them.
// The values bound here are only parsed into: commands read the settings
// of their run with envSettings.
func addGlobalFlags(root *cobra.Command) {
	s := helmenv.New(os.Getenv)
	fs := root.PersistentFlags()
	bindGlobalFlags(fs, &s)
	addKlogFlags(fs)
}

// addKlogFlags adds client-go's klog flags, hidden, with "_" spelled "-".
// They set klog's process-wide options, which is what they are for.
func addKlogFlags(fs *pflag.FlagSet) {
	gofs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(gofs)
	gofs.VisitAll(func(f *flag.Flag) {
		name := strings.ReplaceAll(f.Name, "_", "-")
		if fs.Lookup(name) != nil {
			return
		}
		pf := pflag.PFlagFromGoFlag(f)
		pf.Name = name
		pf.Hidden = true
		pf.Annotations = map[string][]string{klogFlag: nil}
		fs.AddFlag(pf)
	})
}

// envSettings are Helm's settings for the command running: the
// environment, then the global flags given on its command line. cmd may be
// nil (environment only).
func envSettings(cmd *cobra.Command) helmenv.Settings {
	s := helmenv.New(os.Getenv)
	s.Bin = os.Args[0]
	if cmd == nil {
		return s
	}
	fs := pflag.NewFlagSet("global", pflag.ContinueOnError)
	bindGlobalFlags(fs, &s)
	cmd.Flags().Visit(func(given *pflag.Flag) {
		applyFlag(fs.Lookup(given.Name), given)
	})
	return s
}

// applyFlag copies the value of a flag given on the command line to its
// twin dst (nil: not a global flag).
func applyFlag(dst, given *pflag.Flag) {
	if dst == nil {
		return
	}
	if src, ok := given.Value.(pflag.SliceValue); ok {
		if d, ok := dst.Value.(pflag.SliceValue); ok {
			_ = d.Replace(src.GetSlice())
			return
		}
	}
	_ = dst.Value.Set(given.Value.String())
}
