package lint

import (
	"context"
	"fmt"
	"strings"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
)

// ReleaseName is the release name templates see while linting, as in Helm.
const ReleaseName = "test-release"

// Options control one lint. The zero value lints with the chart's default
// values, in namespace "default", for kpkg's default Kubernetes version.
type Options struct {
	// Values are the user-supplied values (-f, --set), already merged.
	Values map[string]any
	// Namespace is .Release.Namespace; "" means "default".
	Namespace string
	// KubeVersion is the target cluster version, used for
	// .Capabilities.KubeVersion and for deprecated and removed API checks;
	// nil means render.DefaultKubeVersion.
	KubeVersion *render.KubeVersion
	// Strict fails the lint on warnings and renders with missingkey=error,
	// so that a template reading a value that does not exist fails.
	Strict bool
	// SkipSchemaValidation skips values.schema.json checks.
	SkipSchemaValidation bool
	// Warn receives the renderer's non-fatal warnings; nil discards them.
	Warn func(format string, args ...any)
}

// Lint checks the chart at path, a directory or a .tgz archive. Problems in
// the chart are findings in the result; an error means path holds no chart
// to lint (it does not exist, has no Chart.yaml, or is not an archive).
func Lint(ctx context.Context, path string, opts Options) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src, err := openSource(path)
	if err != nil {
		return nil, err
	}
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	if opts.KubeVersion == nil {
		kv, err := render.ParseKubeVersion(render.DefaultKubeVersion)
		if err != nil {
			return nil, fmt.Errorf("lint %s: %w", path, err)
		}
		opts.KubeVersion = &kv
	}
	rep := &report{}
	checkChartfile(src, rep)
	checkValues(src, opts, rep)
	c, err := src.load()
	if err != nil {
		rep.add(Error, "templates/", "unable to load chart\n\t%v", err)
		return &Result{Chart: path, Findings: rep.findings, Strict: opts.Strict}, nil
	}
	if err := checkTemplates(ctx, src, c, opts, rep); err != nil {
		return nil, err
	}
	checkDependencies(c, rep)
	return &Result{Chart: path, Findings: rep.findings, Strict: opts.Strict}, nil
}

// checkDependencies compares Chart.yaml's dependencies with the subcharts
// the chart actually holds. A file:// dependency that charts/ does not
// vendor is rendered from its path, but counts as missing, as in Helm:
// Helm's install and package would not find it.
func checkDependencies(c *chart.Chart, rep *report) {
	declared := map[string]bool{}
	for _, d := range c.Metadata.Dependencies {
		if d != nil {
			declared[d.Name] = true
		}
	}
	present := map[string]bool{}
	var undeclared, missing []string
	for _, sub := range c.Dependencies() {
		if !sub.LoadedFromPath() {
			present[sub.Name()] = true
		}
		if !declared[sub.Name()] {
			undeclared = append(undeclared, sub.Name())
		}
	}
	for _, d := range c.Metadata.Dependencies {
		if d != nil && !present[d.Name] {
			missing = append(missing, d.Name)
		}
	}
	if len(undeclared) > 0 {
		rep.add(Error, chartFile, "chart metadata is missing these dependencies: %s", strings.Join(undeclared, ","))
	}
	if len(missing) > 0 {
		rep.add(Warning, chartFile, "chart directory is missing these dependencies: %s", strings.Join(missing, ","))
	}
}
