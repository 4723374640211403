package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kpkg/kpkg/pkg/lint"
	"github.com/kpkg/kpkg/pkg/render"
	"github.com/kpkg/kpkg/pkg/values"
)

type lintFlags struct {
	values               values.Options
	kubeVersion          string
	strict               bool
	withSubcharts        bool
	quiet                bool
	skipSchemaValidation bool
}

func newLintCommand(streams IO) *cobra.Command {
	f := &lintFlags{}
	cmd := &cobra.Command{
		Use:   "lint [PATH]...",
		Short: "Examine a chart for possible issues",
		Long: `Examine a chart for possible issues.

Runs the checks 'helm lint' runs and reports them in its format: [ERROR] for
what will make installation fail, [WARNING] for what breaks convention,
[INFO] for advice. Beyond Helm, every rendered object of a built-in kind is
decoded into its Kubernetes type to report unknown, duplicate and mistyped
fields, custom resources are checked against the chart's own CRDs, and API
versions deprecated or removed in the target Kubernetes version (--kube-version)
are flagged, each with the template file and line.

PATH is a chart directory or a packaged chart (.tgz); it defaults to ".".`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			return runLint(cmd, streams, f, args)
		},
	}
	fs := cmd.Flags()
	addValueFlags(fs, &f.values)
	fs.StringVar(&f.kubeVersion, "kube-version", "", "Kubernetes version used for capabilities and deprecation checks")
	fs.BoolVar(&f.strict, "strict", false, "fail on lint warnings, and on templates reading values that do not exist")
	fs.BoolVar(&f.withSubcharts, "with-subcharts", false, "lint dependent charts")
	fs.BoolVar(&f.quiet, "quiet", false, "print only warnings and errors")
	fs.BoolVar(&f.skipSchemaValidation, "skip-schema-validation", false, "if set, disables JSON schema validation")
	return cmd
}

func runLint(cmd *cobra.Command, streams IO, f *lintFlags, paths []string) error {
	ctx := cmd.Context()
	// The release namespace is Helm's global one: -n, HELM_NAMESPACE or
	// the kubeconfig context's.
	opts := lint.Options{Namespace: kubeOf(cmd).namespace(), Strict: f.strict, SkipSchemaValidation: f.skipSchemaValidation, Warn: warnTo(streams.Err)}
	if f.kubeVersion != "" {
		kv, err := render.ParseKubeVersion(f.kubeVersion)
		if err != nil {
			return err
		}
		opts.KubeVersion = &kv
	}
	f.values.Stdin = streams.In
	f.values.ReadFile = valueFileReader(cmd)
	vals, err := f.values.Merge(ctx)
	if err != nil {
		return valueFlagError(err)
	}
	opts.Values = vals
	if f.withSubcharts {
		paths = append(paths, lint.Subcharts(paths)...)
	}
	var out strings.Builder
	failed, noisy := 0, 0
	for _, p := range paths {
		res, err := lint.Lint(ctx, p, opts)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil && !res.HasWarningsOrErrors() && f.quiet {
			continue
		}
		if err != nil || res.HasWarningsOrErrors() {
			noisy++
		}
		if err != nil || res.Failed() {
			failed++
		}
		writeLintReport(&out, p, res, err, f.quiet)
	}
	if _, err := io.WriteString(streams.Out, out.String()); err != nil {
		return err
	}
	summary := fmt.Sprintf("%d chart(s) linted, %d chart(s) failed", len(paths), failed)
	if failed > 0 {
		return &ExitError{Code: 1, Err: errors.New(summary)}
	}
	if !f.quiet || noisy > 0 {
		fmt.Fprintln(streams.Out, summary)
	}
	return nil
}

// writeLintReport prints one chart's section as helm lint does.
func writeLintReport(w io.Writer, path string, res *lint.Result, err error, quiet bool) {
	fmt.Fprintf(w, "==> Linting %s\n", path)
	if err != nil {
		fmt.Fprintf(w, "Error %v\n", err)
	} else {
		for _, finding := range res.Findings {
			if !quiet || finding.Severity > lint.Info {
				fmt.Fprintln(w, finding.String())
			}
		}
	}
	fmt.Fprintln(w)
}
