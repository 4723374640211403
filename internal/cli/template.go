package cli

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/manifest"
	"github.com/kpkg/kpkg/pkg/postrender"
	"github.com/kpkg/kpkg/pkg/render"
)

type templateFlags struct {
	renderFlags
	namespace      string
	showOnly       []string
	outputDir      string
	includeCRDs    bool
	skipCRDs       bool
	skipTests      bool
	noHooks        bool
	isUpgrade      bool
	useReleaseName bool
	generateName   bool
	validate       bool
}

func newTemplateCommand(streams IO) *cobra.Command {
	f := &templateFlags{}
	cmd := &cobra.Command{
		Use:   "template [NAME] CHART",
		Short: "Render chart templates locally and print the result",
		Long: `Render chart templates locally and print the result.

Output matches 'helm template' byte for byte: documents in install order, each
preceded by a '# Source:' line, hooks last. No cluster is contacted.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, ref := "release-name", args[0]
			if len(args) == 2 {
				name, ref = args[0], args[1]
			} else if f.generateName {
				name = generateReleaseName(ref)
			}
			return runTemplate(cmd, streams, f, name, ref)
		},
	}
	fs := cmd.Flags()
	f.register(fs)
	fs.StringVarP(&f.namespace, "namespace", "n", "default", "namespace scope for the release")
	fs.StringArrayVarP(&f.showOnly, "show-only", "s", nil, "only show manifests rendered from the given templates")
	fs.StringVar(&f.outputDir, "output-dir", "", "writes the executed templates to files in output-dir instead of stdout")
	fs.BoolVar(&f.includeCRDs, "include-crds", false, "include CRDs in the templated output")
	fs.BoolVar(&f.skipCRDs, "skip-crds", false, "if set, no CRDs will be installed (template: no effect unless --include-crds)")
	fs.BoolVar(&f.skipTests, "skip-tests", false, "skip tests from templated output")
	fs.BoolVar(&f.noHooks, "no-hooks", false, "leave hooks out of the output")
	fs.BoolVar(&f.isUpgrade, "is-upgrade", false, "set .Release.IsUpgrade instead of .Release.IsInstall")
	fs.BoolVar(&f.useReleaseName, "release-name", false, "use release name in the output-dir path")
	fs.BoolVarP(&f.generateName, "generate-name", "g", false, "generate the name (and omit the NAME parameter)")
	fs.BoolVar(&f.validate, "validate", false, "validate the manifests against the cluster (needs a cluster)")
	fs.StringVar(&f.kubeVersion, "kube-version", "", "Kubernetes version used for Capabilities.KubeVersion")
	fs.StringSliceVarP(&f.apiVersions, "api-versions", "a", nil, "Kubernetes api versions used for Capabilities.APIVersions")
	return cmd
}

func runTemplate(cmd *cobra.Command, streams IO, f *templateFlags, name, ref string) error {
	ctx := cmd.Context()
	if f.validate {
		return fmt.Errorf("--validate needs a cluster; use 'kpkg install --dry-run=server' instead")
	}
	c, err := f.loadChart(ctx, ref)
	if err != nil {
		return err
	}
	f.values.Stdin = streams.In
	vals, err := f.values.Merge(ctx)
	if err != nil {
		return valueFlagError(err)
	}
	opts, err := f.renderOptions(render.Release{Name: name, Namespace: f.namespace, IsUpgrade: f.isUpgrade}, warnTo(streams.Err))
	if err != nil {
		return err
	}
	res, err := render.Render(ctx, c, vals, opts)
	if err != nil {
		return err
	}
	includeCRDs := f.includeCRDs && !f.skipCRDs
	if post := f.postRender.options(); post != nil {
		if f.outputDir != "" {
			return fmt.Errorf("--post-renderer cannot be used with --output-dir: the post-renderer's output is one stream")
		}
		out, err := postrender.Run(ctx, *post, []byte(res.Manifest(includeCRDs)))
		if err != nil {
			return err
		}
		res.SetPostRendered(string(out))
	}
	if f.outputDir != "" {
		dir := f.outputDir
		if f.useReleaseName {
			dir = filepath.Join(dir, name)
		}
		return writeOutputDir(dir, res, includeCRDs, f.noHooks, f.skipTests)
	}
	wopts := render.WriteOptions{IncludeCRDs: includeCRDs, SkipHooks: f.noHooks, SkipTests: f.skipTests}
	if len(f.showOnly) == 0 {
		return res.WriteStream(streams.Out, wopts)
	}
	filtered, err := showOnly(res.Stream(wopts), f.showOnly)
	if err != nil {
		return err
	}
	_, err = io.WriteString(streams.Out, filtered)
	return err
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
