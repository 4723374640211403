package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/manifest"
	"github.com/kpkg/kpkg/pkg/postrender"
	"github.com/kpkg/kpkg/pkg/render"
)

type templateFlags struct {
	renderFlags
	names          nameFlags
	showOnly       []string
	outputDir      string
	includeCRDs    bool
	skipCRDs       bool
	skipTests      bool
	noHooks        bool
	isUpgrade      bool
	useReleaseName bool
	validate       bool
	dryRun         string
	labels         map[string]string
	installOnly    installOnlyFlags
}

func newTemplateCommand(streams IO) *cobra.Command {
	f := &templateFlags{}
	cmd := &cobra.Command{
		Use:   "template [NAME] CHART",
		Short: "Render chart templates locally and print the result",
		Long: `Render chart templates locally and print the result.

Output matches 'helm template' byte for byte: documents in install order, each
preceded by a '# Source:' line, hooks last. No cluster is contacted. The
release is called "release-name" unless NAME or --name-template names it,
and lives in the namespace -n, HELM_NAMESPACE or the kubeconfig context
gives (else "default"). Flags of 'install' that only matter to a cluster
(--wait, --timeout, --atomic, --create-namespace, ...) are accepted and have
no effect here, as in Helm.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTemplate(cmd, streams, f, args)
		},
	}
	fs := cmd.Flags()
	f.register(fs)
	f.names.register(fs)
	f.installOnly.register(fs)
	fs.StringArrayVarP(&f.showOnly, "show-only", "s", nil, "only show manifests rendered from the given templates")
	fs.StringVar(&f.outputDir, "output-dir", "", "writes the executed templates to files in output-dir instead of stdout")
	fs.BoolVar(&f.includeCRDs, "include-crds", false, "include CRDs in the templated output")
	fs.BoolVar(&f.skipCRDs, "skip-crds", false, "if set, no CRDs will be installed (template: no effect unless --include-crds)")
	fs.BoolVar(&f.skipTests, "skip-tests", false, "skip tests from templated output")
	fs.BoolVar(&f.noHooks, "no-hooks", false, "leave hooks out of the output")
	fs.BoolVar(&f.isUpgrade, "is-upgrade", false, "set .Release.IsUpgrade instead of .Release.IsInstall")
	fs.BoolVar(&f.useReleaseName, "release-name", false, "use release name in the output-dir path")
	fs.BoolVar(&f.validate, "validate", false, "validate the manifests against the cluster (needs a cluster)")
	fs.StringVar(&f.kubeVersion, "kube-version", "", "Kubernetes version used for Capabilities.KubeVersion")
	fs.StringSliceVarP(&f.apiVersions, "api-versions", "a", nil, "Kubernetes api versions used for Capabilities.APIVersions")
	fs.StringVar(&f.dryRun, "dry-run", "", `accepted for compatibility with install: template never contacts a cluster ("client", "server", "true", "false" or "none")`)
	fs.Lookup("dry-run").NoOptDefVal = "client"
	fs.StringToStringVarP(&f.labels, "labels", "l", nil, "labels that would be added to release metadata, separated by comma (checked, not printed)")
	return cmd
}

// installOnlyFlags are install's flags that template accepts, as Helm's
// does, and ignores: they only matter when a release is applied.
type installOnlyFlags struct {
	createNamespace, force, replace, wait, waitForJobs, atomic bool
	disableOpenAPIValidation, hideNotes, takeOwnership         bool
	timeout                                                    time.Duration
	description                                                string
}

func (f *installOnlyFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&f.createNamespace, "create-namespace", false, "create the release namespace if not present (no effect in template)")
	fs.BoolVar(&f.force, "force", false, "force resource updates through a replacement strategy (no effect in template)")
	fs.BoolVar(&f.replace, "replace", false, "re-use the given name, only if that name is a deleted release which remains in the history (no effect in template)")
	addWaitFlags(fs, &f.wait, &f.waitForJobs, &f.timeout)
	fs.BoolVar(&f.atomic, "atomic", false, "if set, the installation process deletes the installation on failure (no effect in template)")
	fs.BoolVar(&f.disableOpenAPIValidation, "disable-openapi-validation", false, "if set, the installation process will not validate rendered templates against the Kubernetes OpenAPI Schema (no effect in template)")
	fs.BoolVar(&f.hideNotes, "hide-notes", false, "if set, do not show notes in install output (no effect in template)")
	fs.BoolVar(&f.takeOwnership, "take-ownership", false, "if set, install will ignore the check for helm annotations and take ownership of the existing resources (no effect in template)")
	fs.StringVar(&f.description, "description", "", "add a custom description (no effect in template)")
}

// dryRunModes are the values Helm's --dry-run accepts.
var dryRunModes = []string{"false", "true", "none", "client", "server"}

func runTemplate(cmd *cobra.Command, streams IO, f *templateFlags, args []string) error {
	ctx := cmd.Context()
	if f.validate {
		return fmt.Errorf("--validate needs a cluster; use 'kpkg install --dry-run=server' instead")
	}
	if f.dryRun != "" && !slices.Contains(dryRunModes, f.dryRun) {
		return errors.New("Invalid dry-run flag. Flag must one of the following: false, true, none, client, server")
	}
	opts, err := f.renderOptions(render.Release{IsUpgrade: f.isUpgrade}, warnTo(streams.Err))
	if err != nil {
		return err
	}
	name, ref, err := f.names.nameAndChart(args, "release-name")
	if err != nil {
		return err
	}
	c, err := f.loadChart(cmd, ref)
	if err != nil {
		return err
	}
	if err := checkInstallable(c, streams.Err); err != nil {
		return err
	}
	vals, err := f.mergeValues(cmd, streams.In)
	if err != nil {
		return err
	}
	if err := validateReleaseName(name); err != nil {
		return err
	}
	if err := checkLabels(f.labels); err != nil {
		return err
	}
	s := envSettings(cmd)
	opts.Release.Name, opts.Release.Namespace = name, newKubeFlags(s).namespace()
	debugLogger(streams.Err, s).Debug("template", "chart", ref, "release", name, "namespace", opts.Release.Namespace)
	res, err := render.Render(ctx, c, vals, opts)
	if err != nil {
		return renderFailure(streams.Out, err, s.Debug)
	}
	return f.write(cmd, streams.Out, res, name)
}

// renderFailure reports a render error as helm template does: an error
// found while templates run or their output is read says how to see the
// output, and with --debug that output (when there is some) goes to
// stdout before the error.
func renderFailure(out io.Writer, err error, debug bool) error {
	var rerr *render.Error
	if !errors.As(err, &rerr) {
		return err
	}
	if !debug {
		return fmt.Errorf("%w\n\nUse --debug flag to render out invalid YAML", err)
	}
	var b strings.Builder
	for _, f := range rerr.Output {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", f.Name, f.Content)
	}
	fmt.Fprintln(out, strings.TrimSpace(b.String()))
	return err
}

// write prints the result, or writes it under --output-dir. A
// post-renderer rewrites the printed manifest; with --output-dir it is not
// applied, as in Helm, whose files are written before it runs.
func (f *templateFlags) write(cmd *cobra.Command, out io.Writer, res *render.Result, name string) error {
	includeCRDs := f.includeCRDs && !f.skipCRDs
	if f.outputDir != "" {
		dir := f.outputDir
		if f.useReleaseName {
			dir = filepath.Join(dir, name)
		}
		return writeOutputDir(dir, res, includeCRDs, f.noHooks, f.skipTests)
	}
	if pr := f.postRender.options(); pr != nil {
		manifest, err := postrender.Run(cmd.Context(), *pr, []byte(res.Manifest(includeCRDs)))
		if err != nil {
			return err
		}
		res.SetPostRendered(string(manifest))
	}
	wopts := render.WriteOptions{IncludeCRDs: includeCRDs, SkipHooks: f.noHooks, SkipTests: f.skipTests}
	if len(f.showOnly) == 0 {
		return res.WriteStream(out, wopts)
	}
	stream, err := showOnly(res.Stream(wopts), f.showOnly)
	if err != nil {
		return err
	}
	_, err = io.WriteString(out, stream)
	return err
}

// checkInstallable refuses library charts and warns about deprecated
// ones, as Helm's install and template do.
func checkInstallable(c *chart.Chart, warn io.Writer) error {
	switch c.Metadata.Type {
	case "", "application":
	default:
		return fmt.Errorf("%s charts are not installable", c.Metadata.Type)
	}
	if c.Metadata.Deprecated {
		fmt.Fprintln(warn, "WARNING: This chart is deprecated")
	}
	return nil
}

// showOnly keeps the documents whose "# Source:" path (without the chart
// name) matches one of the globs, in the order of the globs.
func showOnly(stream string, globs []string) (string, error) {
	docs := manifest.SplitDocuments(stream)
	var b strings.Builder
	for _, g := range globs {
		g = filepath.ToSlash(g)
		found := false
		for _, doc := range docs {
			src := sourceOf(doc)
			if src == "" {
				continue
			}
			if ok, _ := path.Match(g, src); ok {
				b.WriteString("---\n")
				b.WriteString(doc)
				b.WriteString("\n")
				found = true
			}
		}
		if !found {
			return "", fmt.Errorf("could not find template %s in chart", g)
		}
	}
	return b.String(), nil
}

func sourceOf(doc string) string {
	i := strings.Index(doc, "# Source: ")
	if i < 0 {
		return ""
	}
	line := doc[i+len("# Source: "):]
	if j := strings.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	_, rest, ok := strings.Cut(line, "/")
	if !ok || rest == "" {
		return ""
	}
	return rest
}

// writeOutputDir writes each document under dir/<source path>, appending
// documents that share a source, as Helm does.
func writeOutputDir(dir string, res *render.Result, includeCRDs, noHooks, skipTests bool) error {
	written := map[string]bool{}
	write := func(source, content string) error {
		target := filepath.Join(dir, filepath.FromSlash(source))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
		if written[source] {
			flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
		}
		fh, err := os.OpenFile(target, flags, 0o644)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(fh, "---\n# Source: %s\n%s\n", source, content)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", target, err)
		}
		written[source] = true
		return nil
	}
	if includeCRDs {
		for _, crd := range res.CRDs {
			if err := write(crd.Filename, string(crd.File.Data)); err != nil {
				return err
			}
		}
	}
	for _, m := range res.Manifests {
		if err := write(m.Source, m.Content); err != nil {
			return err
		}
	}
	if !noHooks {
		for _, h := range res.Hooks {
			if skipTests && h.IsTest() {
				continue
			}
			if err := write(h.Path, h.Manifest); err != nil {
				return err
			}
		}
	}
	return nil
}
