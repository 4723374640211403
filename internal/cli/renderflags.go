package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/helmenv"
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
	dependencyUpdate     bool
	chartRef             chartPathFlags
	postRender           postRenderFlags
}

func (f *renderFlags) register(fs *pflag.FlagSet) {
	addValueFlags(fs, &f.values)
	fs.BoolVar(&f.skipSchemaValidation, "skip-schema-validation", false, "if set, disables JSON schema validation")
	fs.BoolVar(&f.enableDNS, "enable-dns", false, "enable DNS lookups when rendering templates")
	fs.BoolVar(&f.subchartNotes, "render-subchart-notes", false, "if set, render subchart notes along with the parent")
	fs.BoolVar(&f.dependencyUpdate, "dependency-update", false, "update dependencies if they are missing before installing the chart")
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
// an oci:// reference; then it checks that declared dependencies are
// present. With --dependency-update, a chart directory with missing
// dependencies gets them (progress on stderr) and is loaded again.
func (f *renderFlags) loadChart(cmd *cobra.Command, ref string) (*chart.Chart, error) {
	c, err := repo.LoadChart(cmd.Context(), f.chartRef.request(cmd, ref))
	if err != nil {
		return nil, err
	}
	err = chart.CheckDependencies(c)
	if err != nil && f.dependencyUpdate && isDir(ref) {
		opts := repo.DependencyOptions{Paths: repoPaths(cmd), Log: warnTo(cmd.ErrOrStderr()), Auth: repo.Auth{Downloaders: repoDownloaders(cmd)}}
		if err := repo.UpdateDependencies(cmd.Context(), ref, opts); err != nil {
			return nil, err
		}
		if c, err = repo.LoadChart(cmd.Context(), f.chartRef.request(cmd, ref)); err != nil {
			return nil, fmt.Errorf("failed reloading chart after repo update: %w", err)
		}
		err = chart.CheckDependencies(c)
	}
	if err != nil {
		return nil, fmt.Errorf("an error occurred while checking for chart dependencies: %w", err)
	}
	return c, nil
}

// mergeValues merges the value flags, reading "-" from in and URLs with
// Helm's getters.
func (f *renderFlags) mergeValues(cmd *cobra.Command, in io.Reader) (map[string]any, error) {
	f.values.Stdin = in
	f.values.ReadFile = valueFileReader(cmd)
	vals, err := f.values.Merge(cmd.Context())
	if err != nil {
		return nil, valueFlagError(err)
	}
	return vals, nil
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// repoPaths are where repositories and registry credentials live for the
// command running: Helm's files, as the environment and the global flags
// place them. kpkg's former files are copied there first, once (see
// migrateFormerFiles).
func repoPaths(cmd *cobra.Command) repo.Paths {
	s := envSettings(cmd)
	migrateFormerFiles(cmd, s)
	return repo.Paths{RepositoryConfig: s.RepositoryConfig, RepositoryCache: s.RepositoryCache, RegistryConfig: s.RegistryConfig}
}

// migrateFormerFiles copies the repositories.yaml, repository cache and
// registry credentials kpkg kept under its own directories before it
// shared Helm's, when Helm's are absent, and says so in one line on
// stderr. A failure is a warning: the command goes on with Helm's files.
func migrateFormerFiles(cmd *cobra.Command, s helmenv.Settings) {
	done, err := helmenv.Migrate(cmd.Context(), s, helmenv.LegacyPaths(os.Getenv))
	w := cmd.ErrOrStderr()
	if len(done) > 0 {
		parts := make([]string, len(done))
		for i, m := range done {
			parts[i] = m.From + " to " + m.To
		}
		fmt.Fprintf(w, "kpkg now keeps its files where Helm does: copied %s\n", strings.Join(parts, ", "))
	}
	if err != nil {
		fmt.Fprintf(w, "WARNING: could not copy kpkg's former files to Helm's locations: %v\n", err)
	}
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
	tlsFlags
	version string
	repoURL string
	devel   bool
	// verify holds --verify/--keyring for the commands that register them.
	verify verifyFlags
}

func (f *chartPathFlags) register(fs *pflag.FlagSet) {
	f.tlsFlags.register(fs)
	fs.StringVar(&f.version, "version", "", "specify a version constraint for the chart version to use. This constraint can be a specific tag (e.g. 1.1.1) or it may reference a valid range (e.g. ^2.0.0). If this is not specified, the latest version is used")
	fs.StringVar(&f.repoURL, "repo", "", "chart repository url where to locate the requested chart")
	fs.BoolVar(&f.devel, "devel", false, "use development versions, too. Equivalent to version '>0.0.0-0'. If --version is set, this is ignored")
}

// request is what the flags ask of ref for the command running.
func (f *chartPathFlags) request(cmd *cobra.Command, ref string) repo.ChartRequest {
	auth := f.auth()
	auth.Downloaders = repoDownloaders(cmd)
	return repo.ChartRequest{Ref: ref, Version: f.version, Devel: f.devel, RepoURL: f.repoURL, Auth: auth, Paths: repoPaths(cmd), Provenance: f.verify.options()}
}
