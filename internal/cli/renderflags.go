package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
	"github.com/kpkg/kpkg/pkg/repo"
	"github.com/kpkg/kpkg/pkg/values"
)

// renderFlags are the flags shared by every command that renders a chart.
type renderFlags struct {
	values               values.Options
	kubeVersion          string
	apiVersions          []string
	skipSchemaValidation bool
	enableDNS            bool
	subchartNotes        bool
	chartRef             chartPathFlags
	postRender           postRenderFlags
}

func (f *renderFlags) register(fs *pflag.FlagSet) {
	addValueFlags(fs, &f.values)
	fs.BoolVar(&f.skipSchemaValidation, "skip-schema-validation", false, "if set, disables JSON schema validation")
	fs.BoolVar(&f.enableDNS, "enable-dns", false, "enable DNS lookups when rendering templates")
	fs.BoolVar(&f.subchartNotes, "render-subchart-notes", false, "if set, render subchart notes along with the parent")
	f.chartRef.register(fs)
	f.chartRef.verify.register(fs)
	f.postRender.register(fs)
}

// renderOptions turns the flags into render options for a release.
func (f *renderFlags) renderOptions(rel render.Release, warn func(string, ...any)) (render.Options, error) {
	opts := render.Options{
		Release:              rel,
		APIVersions:          f.apiVersions,
		SkipSchemaValidation: f.skipSchemaValidation,
		EnableDNS:            f.enableDNS,
		SubchartNotes:        f.subchartNotes,
		Warn:                 warn,
	}
	if f.kubeVersion != "" {
		kv, err := render.ParseKubeVersion(f.kubeVersion)
		if err != nil {
			return opts, err
		}
		opts.KubeVersion = &kv
	}
	return opts, nil
}

// loadChart resolves ref with the command's chart flags (--version, --repo,
// credentials): a local directory or archive, REPO/CHART, a URL to a .tgz or
// an oci:// reference; then it checks that declared dependencies are present.
func (f *renderFlags) loadChart(ctx context.Context, ref string) (*chart.Chart, error) {
	return loadChartForRender(ctx, ref, &f.chartRef)
}

// loadChartForRender is loadChart for callers that hold chart flags of their
// own; with none, ref resolves with defaults (no version constraint).
func loadChartForRender(ctx context.Context, ref string, flags ...*chartPathFlags) (*chart.Chart, error) {
	cp := &chartPathFlags{}
	if len(flags) > 0 && flags[0] != nil {
		cp = flags[0]
	}
	c, err := repo.LoadChart(ctx, cp.request(ref))
	if err != nil {
		return nil, err
	}
	if err := chart.CheckDependencies(c); err != nil {
		return nil, fmt.Errorf("an error occurred while checking for chart dependencies: %w", err)
	}
	return c, nil
}

// repoPathFlags are Helm's --repository-config, --repository-cache and
// --registry-config; empty values fall back to KPKG_* and XDG locations.
type repoPathFlags struct {
	repositoryConfig string
	repositoryCache  string
	registryConfig   string
}

func (f *repoPathFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.repositoryConfig, "repository-config", "", "path to the file containing repository names and URLs (default $XDG_CONFIG_HOME/kpkg/repositories.yaml)")
	fs.StringVar(&f.repositoryCache, "repository-cache", "", "path to the directory containing cached repository indexes (default $XDG_CACHE_HOME/kpkg/repository)")
	fs.StringVar(&f.registryConfig, "registry-config", "", "path to the registry config file (default $XDG_CONFIG_HOME/kpkg/registry/config.json)")
}

// paths applies the flags over the environment's defaults.
func (f *repoPathFlags) paths() repo.Paths {
	p := repo.PathsFromEnv(os.Getenv)
	for _, o := range []struct {
		dst *string
		v   string
	}{
		{&p.RepositoryConfig, f.repositoryConfig}, {&p.RepositoryCache, f.repositoryCache}, {&p.RegistryConfig, f.registryConfig},
	} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	return p
}

// tlsFlags are the TLS and credential flags shared by everything that
// contacts a repository or registry.
type tlsFlags struct {
	username, password        string
	caFile, certFile, keyFile string
	insecureSkipTLSVerify     bool
	plainHTTP                 bool
	passCredentials           bool
}

func (f *tlsFlags) register(fs *pflag.FlagSet) {
	f.registerCredentials(fs, "", "")
	f.registerTLS(fs)
}

// registerCredentials adds --username and --password with the given
// shorthands (registry login has -u and -p).
func (f *tlsFlags) registerCredentials(fs *pflag.FlagSet, userShort, passShort string) {
	fs.StringVarP(&f.username, "username", userShort, "", "chart repository username where to locate the requested chart")
	fs.StringVarP(&f.password, "password", passShort, "", "chart repository password where to locate the requested chart")
}

// registerTLS adds the TLS and transport flags.
func (f *tlsFlags) registerTLS(fs *pflag.FlagSet) {
	fs.StringVar(&f.caFile, "ca-file", "", "verify certificates of HTTPS-enabled servers using this CA bundle")
	fs.StringVar(&f.certFile, "cert-file", "", "identify HTTPS client using this SSL certificate file")
	fs.StringVar(&f.keyFile, "key-file", "", "identify HTTPS client using this SSL key file")
	fs.BoolVar(&f.insecureSkipTLSVerify, "insecure-skip-tls-verify", false, "skip tls certificate checks for the chart download")
	fs.BoolVar(&f.plainHTTP, "plain-http", false, "use insecure HTTP connections for the chart download")
	fs.BoolVar(&f.passCredentials, "pass-credentials", false, "pass credentials to all domains")
}

func (f *tlsFlags) auth() repo.Auth {
	return repo.Auth{
		Username: f.username, Password: f.password,
		CAFile: f.caFile, CertFile: f.certFile, KeyFile: f.keyFile,
		InsecureSkipTLSVerify: f.insecureSkipTLSVerify, PlainHTTP: f.plainHTTP, PassCredentialsAll: f.passCredentials,
	}
}

// chartPathFlags are the flags of every command that takes a CHART that may
// live in a repository or registry (template, install, upgrade, show, pull).
type chartPathFlags struct {
	repoPathFlags
	tlsFlags
	version string
	repoURL string
	devel   bool
	// verify holds --verify/--keyring for the commands that register them.
	verify verifyFlags
}

func (f *chartPathFlags) register(fs *pflag.FlagSet) {
	f.repoPathFlags.register(fs)
	f.tlsFlags.register(fs)
	fs.StringVar(&f.version, "version", "", "specify a version constraint for the chart version to use. This constraint can be a specific tag (e.g. 1.1.1) or it may reference a valid range (e.g. ^2.0.0). If this is not specified, the latest version is used")
	fs.StringVar(&f.repoURL, "repo", "", "chart repository url where to locate the requested chart")
	fs.BoolVar(&f.devel, "devel", false, "use development versions, too. Equivalent to version '>0.0.0-0'. If --version is set, this is ignored")
}

func (f *chartPathFlags) request(ref string) repo.ChartRequest {
	return repo.ChartRequest{Ref: ref, Version: f.version, Devel: f.devel, RepoURL: f.repoURL, Auth: f.auth(), Paths: f.paths(), Provenance: f.verify.options()}
}
