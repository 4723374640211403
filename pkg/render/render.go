package render

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/internal/parallel"
)

// Release is what templates see as .Release.
type Release struct {
	Name      string
	Namespace string
	Revision  int
	IsUpgrade bool
}

// Options control one render. The zero value renders offline with Helm's
// defaults for `helm template` (Kubernetes v1.37.0, no cluster).
type Options struct {
	Release Release
	// Capabilities replaces the offline defaults (e.g. from a live cluster);
	// nil means DefaultCapabilities(APIVersions...).
	Capabilities *Capabilities
	// KubeVersion overrides .Capabilities.KubeVersion when set.
	KubeVersion *KubeVersion
	// APIVersions are added to the offline API version list.
	APIVersions []string
	// SkipSchemaValidation skips values.schema.json checks.
	SkipSchemaValidation bool
	// Strict makes a missing value an error (missingkey=error).
	Strict bool
	// LintMode makes required and fail no-ops and lookup always empty.
	LintMode bool
	// EnableDNS lets getHostByName resolve names; off, it returns "".
	EnableDNS bool
	// Lookup answers the lookup function; nil returns empty maps.
	Lookup LookupFunc
	// SubchartNotes includes the NOTES.txt of subcharts in Result.Notes.
	SubchartNotes bool
	// Warn receives non-fatal warnings; nil discards them.
	Warn func(format string, args ...any)
}

// Result is a rendered chart.
type Result struct {
	// Manifests are the non-hook documents in install order.
	Manifests []Manifest
	// Hooks are the hook documents, ordered by kind.
	Hooks []*Hook
	// Notes is the rendered NOTES.txt of the chart (and of subcharts when asked).
	Notes string
	// CRDs are the files of crds/ directories of the chart and enabled subcharts.
	CRDs []chart.CRDFile
	// Values are the coalesced values the templates saw.
	Values Values
	// Chart is the chart after dependency processing (disabled subcharts removed).
	Chart *chart.Chart

	// postRendered replaces the manifest once a post-renderer rewrote it.
	postRendered *string
}

// Render renders c with the user-supplied values vals (already merged from
// files and --set flags). c is not modified.
func Render(ctx context.Context, c *chart.Chart, vals Values, opts Options) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c = cloneTree(c)
	if vals == nil {
		vals = Values{}
	}
	if err := prepareDependencies(c, vals, opts.Warn); err != nil {
		return nil, err
	}
	caps := opts.Capabilities
	if caps == nil {
		caps = DefaultCapabilities(opts.APIVersions...)
	}
	if opts.KubeVersion != nil {
		cp := *caps
		cp.KubeVersion = *opts.KubeVersion
		caps = &cp
	}

	coalesced, err := CoalesceValues(c, vals, opts.Warn)
	if err != nil {
		return nil, err
	}
	// Schema validation comes first in Helm and its error wins, but it is
	// often the slowest step (compiling large schemas), so it runs beside the
	// render on a private copy of the values (templates may mutate theirs)
	// and its verdict is taken before anything else.
	schemaErr := make(chan error, 1)
	var schemaCheck parallel.Group
	switch {
	case opts.SkipSchemaValidation:
		schemaErr <- nil
	case !hasSchema(c):
		// Nothing to compile: the check is a quick walk for subchart values
		// that are not maps, done before templates can change the values.
		schemaErr <- ValidateSchemas(c, coalesced)
	default:
		snapshot := deepCopyMap(coalesced)
		schemaCheck.Go(func() { schemaErr <- ValidateSchemas(c, snapshot) })
	}
	res, err := renderValidated(c, coalesced, caps, opts)
	schemaCheck.Wait() // raises a panic of the check here, not in its goroutine
	if serr := <-schemaErr; serr != nil {
		return nil, fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s", serr.Error())
	}
	return res, err
}

// renderValidated is Render after the values are known: the kubeVersion
// check, template execution and sorting of the output.
func renderValidated(c *chart.Chart, coalesced Values, caps *Capabilities, opts Options) (*Result, error) {
	if kv := c.Metadata.KubeVersion; kv != "" && !compatibleRange(kv, caps.KubeVersion.String()) {
		return nil, &Error{Err: fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", kv, caps.KubeVersion.String())}
	}

	top := map[string]any{
		"Capabilities": caps,
		"Release": map[string]any{
			"Name":      opts.Release.Name,
			"Namespace": opts.Release.Namespace,
			"IsUpgrade": opts.Release.IsUpgrade,
			"IsInstall": !opts.Release.IsUpgrade,
			"Revision":  revisionOrOne(opts.Release.Revision),
			"Service":   "Helm",
		},
		"Values": coalesced,
	}
	tpls := map[string]renderable{}
	collect(c, top, tpls)

	e := newEngine(engineOptions{strict: opts.Strict, lintMode: opts.LintMode, enableDNS: opts.EnableDNS, lookup: opts.Lookup})
	heads := newHeadParser()
	var notes strings.Builder
	rootNotes := path.Join(c.Name(), "templates", "NOTES.txt")
	var noteFiles []string
	rendered := map[string]string{}
	err := e.run(tpls, func(name, out string) {
		rendered[name] = out
		if strings.HasSuffix(name, "NOTES.txt") {
			noteFiles = append(noteFiles, name)
			return
		}
		heads.submit(name, out)
	})
	docs := heads.wait()
	if err != nil {
		return nil, &Error{Err: err}
	}
	sort.Strings(noteFiles)
	for _, name := range noteFiles {
		if opts.SubchartNotes || name == rootNotes {
			if notes.Len() > 0 {
				notes.WriteString("\n")
			}
			notes.WriteString(rendered[name])
		}
	}

	manifests, hooks, err := sortManifests(docs, opts.Warn)
	if err != nil {
		return nil, &Error{Err: err, Output: renderedFiles(rendered)}
	}
	return &Result{
		Manifests: manifests,
		Hooks:     hooks,
		Notes:     notes.String(),
		CRDs:      c.CRDs(),
		Values:    coalesced,
		Chart:     c,
	}, nil
}

func (e *engine) run(tpls map[string]renderable, emit func(name, out string)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("rendering template failed: %v", r)
		}
	}()
	order, err := e.parse(tpls)
	if err != nil {
		return err
	}
	return e.execute(tpls, order, emit)
}

func revisionOrOne(r int) int {
	if r == 0 {
		return 1
	}
	return r
}

// Error is a failure while the templates run or their output is read: a
// kubeVersion the chart does not support, a template that fails, or output
// that is not valid YAML. Failures before that (dependencies, values, the
// schema) are not wrapped in it.
type Error struct {
	Err error
	// Output is what every template rendered when the output was not
	// valid YAML, for showing it; nil otherwise. NOTES.txt and blank
	// outputs are left out.
	Output []RenderedFile
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// RenderedFile is the output of one template.
type RenderedFile struct {
	// Name is the template's path, as in "# Source:" lines.
	Name    string
	Content string
}

// renderedFiles lists the non-blank outputs of templates other than
// NOTES.txt, by name.
func renderedFiles(rendered map[string]string) []RenderedFile {
	var out []RenderedFile
	for name, content := range rendered {
		if strings.HasSuffix(name, "NOTES.txt") || strings.TrimSpace(content) == "" {
			continue
		}
		out = append(out, RenderedFile{Name: name, Content: content})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
