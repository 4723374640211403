package lint

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
)

const templatesDir = "templates/"

var (
	crdInstallHook = regexp.MustCompile(`"?helm\.sh/hook"?:\s+crd-install`)
	releaseTime    = regexp.MustCompile(`\.Release\.Time`)
	yamlParseError = regexp.MustCompile(`(?s)^YAML parse error on (\S+?): (.*)$`)
)

// renderedDoc is one rendered document of one of the chart's own templates.
type renderedDoc struct {
	path    string // template file relative to the chart root
	content string
}

// checkTemplates checks the template files, renders the chart in lint mode
// and checks every document the chart's own templates render. Subcharts'
// documents are left to linting the subcharts (--with-subcharts), as in
// Helm. It returns an error only when ctx is cancelled.
func checkTemplates(ctx context.Context, src *source, c *chart.Chart, opts Options, rep *report) error {
	switch exists, dir := src.isDir("templates"); {
	case exists && !dir:
		rep.add(Warning, templatesDir, "not a directory")
		return nil
	case !exists:
		rep.add(Info, templatesDir, "directory does not exist")
	}
	sources := map[string]string{}
	for _, t := range c.Templates {
		checkTemplateSource(t, rep)
		sources[t.Name] = string(t.Data)
	}
	res, err := render.Render(ctx, c, opts.Values, render.Options{
		Release:              render.Release{Name: ReleaseName, Namespace: opts.Namespace},
		KubeVersion:          opts.KubeVersion,
		SkipSchemaValidation: opts.SkipSchemaValidation,
		Strict:               opts.Strict,
		LintMode:             true,
		Warn:                 opts.Warn,
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		reportRenderError(c, err, rep)
		return nil
	}
	oc := &objectChecker{
		scheme: kubeScheme(),
		target: releaseOf(opts.KubeVersion),
		crds:   sync.OnceValue(func() *crdIndex { return newCRDIndex(res) }),
	}
	for _, d := range ownDocuments(c, res) {
		checkDocument(d, sources[d.path], oc, rep)
	}
	return nil
}

// checkTemplateSource checks a template file before rendering.
func checkTemplateSource(t *chart.File, rep *report) {
	switch ext := path.Ext(t.Name); ext {
	case ".yaml", ".yml", ".tpl", ".txt":
	default:
		rep.add(Error, t.Name, "file extension '%s' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt", ext)
	}
	if crdInstallHook.Match(t.Data) {
		rep.add(Warning, t.Name, "manifest is a crd-install hook. This hook is no longer supported in v3 and all CRDs should also exist the crds/ directory at the top level of the chart")
	}
	if releaseTime.Match(t.Data) {
		rep.add(Error, t.Name, ".Release.Time has been removed in v3, please replace with the `now` function in your templates")
	}
}

// reportRenderError files a failed render under the template that failed to
// parse as YAML when that is the cause, under templates/ otherwise.
func reportRenderError(c *chart.Chart, err error, rep *report) {
	if m := yamlParseError.FindStringSubmatch(err.Error()); m != nil {
		rep.add(Error, strings.TrimPrefix(m[1], c.Name()+"/"), "unable to parse YAML: %s", m[2])
		return
	}
	rep.add(Error, templatesDir, "%s", strings.TrimSpace(err.Error()))
}

// ownDocuments lists the documents rendered from the chart's own YAML
// templates, hooks included, grouped by file in path order.
func ownDocuments(c *chart.Chart, res *render.Result) []renderedDoc {
	prefix := c.Name() + "/" + templatesDir
	var docs []renderedDoc
	add := func(source, content string) {
		rel, ok := strings.CutPrefix(source, c.Name()+"/")
		if !ok || !strings.HasPrefix(source, prefix) {
			return
		}
		if ext := path.Ext(rel); ext == ".yaml" || ext == ".yml" {
			docs = append(docs, renderedDoc{path: rel, content: content})
		}
	}
	for _, m := range res.Manifests {
		add(m.Source, m.Content)
	}
	for _, h := range res.Hooks {
		add(h.Path, h.Manifest)
	}
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].path < docs[j].path })
	return docs
}

// checkDocument checks one rendered document: that it is an object with
// apiVersion, kind and a valid name, the checks Helm makes on workloads and
// lists, and the Kubernetes type checks.
func checkDocument(d renderedDoc, source string, oc *objectChecker, rep *report) {
	// One YAML parse serves every check: strict conversion fails only on
	// duplicate keys, which the lenient one (as Helm and kubectl use)
	// accepts, keeping the last value.
	data, dupErr := yaml.YAMLToJSONStrict([]byte(d.content))
	if dupErr != nil {
		var err error
		if data, err = yaml.YAMLToJSON([]byte(d.content)); err != nil {
			rep.add(Error, d.path, "unable to parse YAML: %v", err)
			return
		}
	}
	var obj map[string]any
	if err := json.Unmarshal(data, &obj); err != nil || obj == nil {
		return // not a mapping: render already rejects those; null is an empty document
	}
	loc := newLocator(d.path, source, d.content)
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	name := stringAt(obj, "metadata", "name")
	what := fmt.Sprintf("%s %q", kind, name)
	if apiVersion == "" || kind == "" {
		rep.addFinding(loc.at(Error, "", fmt.Sprintf("object %q has no apiVersion or no kind: every document must be a Kubernetes object", name)))
		return
	}
	// A List is a client-side envelope with no name of its own.
	if problems := nameProblems(kind, name); len(problems) > 0 && kind != "List" {
		rep.addFinding(loc.at(Warning, "metadata.name", fmt.Sprintf("object name does not conform to Kubernetes naming requirements: %q: %s", name, strings.Join(problems, "; "))))
	}
	if err := checkSelector(kind, name, obj); err != nil {
		rep.addFinding(loc.at(Error, "spec.selector", err.Error()))
	}
	if err := checkListAnnotations(kind, obj); err != nil {
		rep.addFinding(loc.at(Error, "items", err.Error()))
	}
	for _, f := range duplicateFields(loc, dupErr, what) {
		rep.addFinding(f)
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		rep.addFinding(loc.at(Error, "apiVersion", fmt.Sprintf("%s: invalid apiVersion %q: %v", what, apiVersion, err)))
		return
	}
	for _, f := range oc.check(loc, data, gv.WithKind(kind), what) {
		rep.addFinding(f)
	}
}

// checkSelector requires workloads to select their pods explicitly.
func checkSelector(kind, name string, obj map[string]any) error {
	switch kind {
	case "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet":
	default:
		return nil
	}
	sel, _ := mapAt(obj, "spec", "selector")
	if _, ok := sel["matchLabels"]; ok {
		return nil
	}
	if _, ok := sel["matchExpressions"]; ok {
		return nil
	}
	return fmt.Errorf("a %s must contain matchLabels or matchExpressions, and %q does not", kind, name)
}

// checkListAnnotations rejects helm.sh/resource-policy inside a List, where
// Helm never sees it.
func checkListAnnotations(kind string, obj map[string]any) error {
	if kind != "List" {
		return nil
	}
	items, _ := obj["items"].([]any)
	for _, it := range items {
		item, _ := it.(map[string]any)
		if ann, ok := mapAt(item, "metadata", "annotations"); ok {
			if _, ok := ann["helm.sh/resource-policy"]; ok {
				return fmt.Errorf("Annotation 'helm.sh/resource-policy' within List objects are ignored")
			}
		}
	}
	return nil
}

func mapAt(m map[string]any, keys ...string) (map[string]any, bool) {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil, false
		}
		m = next
	}
	return m, true
}

func stringAt(m map[string]any, keys ...string) string {
	parent, ok := mapAt(m, keys[:len(keys)-1]...)
	if !ok {
		return ""
	}
	s, _ := parent[keys[len(keys)-1]].(string)
	return s
}
