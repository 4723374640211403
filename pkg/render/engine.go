package render

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/Masterminds/sprig/v3"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/internal/parallel"
	"github.com/kpkg/kpkg/pkg/render/internal/tplparse"
)

// maxIncludeDepth bounds recursion through include, as in Helm.
const maxIncludeDepth = 1000

// maxTplDepth bounds nested tpl calls. Helm v3.22 has no bound: a value
// whose text calls tpl on itself recurses until the Go stack overflows
// (1 GB). kpkg stops at the depth Helm allows include, whatever the texts.
const maxTplDepth = 1000

// TplDepthError is a tpl call nested more than maxTplDepth deep, almost
// always a value whose template passes itself to tpl.
type TplDepthError struct {
	// Text is the template text of the call that was refused.
	Text string
}

func (e *TplDepthError) Error() string {
	text := e.Text
	if len(text) > 80 {
		text = text[:77] + "..."
	}
	return fmt.Sprintf("tpl calls nested more than %d deep (does a template passed to tpl call tpl on itself?); the innermost text is %q", maxTplDepth, text)
}

// LookupFunc answers the template function lookup. Offline it returns an
// empty map.
type LookupFunc func(apiVersion, kind, namespace, name string) (map[string]any, error)

// engine executes one render. It is not safe for concurrent use.
type engine struct {
	root     *template.Template
	strict   bool
	lintMode bool
	depth    map[string]int
	// tplDepth counts the tpl calls executing now, nested in each other.
	tplDepth int
	// funcs is the engine's function map, also given to the parser when
	// text is parsed outside the shared set (parse only checks names).
	funcs template.FuncMap
}

// renderable is one template file with the data it executes against.
type renderable struct {
	text     string
	data     map[string]any // shared by the templates of one chart
	basePath string
}

// failure is the message of required/fail; execution errors are rewritten to
// show it with the template location, as Helm does.
type failure struct{ msg string }

func (f *failure) Error() string { return f.msg }

type engineOptions struct {
	strict    bool
	lintMode  bool
	enableDNS bool
	lookup    LookupFunc
}

func newEngine(opts engineOptions) *engine {
	e := &engine{
		root:     template.New("gotpl"),
		strict:   opts.strict,
		lintMode: opts.lintMode,
		depth:    map[string]int{},
	}
	if opts.strict {
		e.root.Option("missingkey=error")
	} else {
		e.root.Option("missingkey=zero")
	}
	funcs := baseFuncs()
	funcs["include"] = e.includeIn(e.root)
	funcs["tpl"] = e.tplIn(e.root)
	funcs["required"] = e.required
	funcs["fail"] = e.fail
	lookup := opts.lookup
	if lookup == nil || opts.lintMode {
		lookup = func(string, string, string, string) (map[string]any, error) { return map[string]any{}, nil }
	}
	funcs["lookup"] = lookup
	(&regexpCache{}).bind(funcs)
	if opts.enableDNS {
		funcs["getHostByName"] = sprig.TxtFuncMap()["getHostByName"]
	} else {
		funcs["getHostByName"] = func(string) string { return "" }
	}
	e.root.Funcs(funcs)
	e.funcs = funcs
	return e
}

// includeIn is include for the templates of set: the render's, or the
// clone a tpl text with its own defines runs in.
func (e *engine) includeIn(set *template.Template) func(string, any) (string, error) {
	return func(name string, data any) (string, error) {
		if e.depth[name] > maxIncludeDepth {
			return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
		}
		e.depth[name]++
		defer func() { e.depth[name]-- }()
		var buf strings.Builder
		err := set.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
}

// tplIn is tpl for the templates of set. Each distinct text is parsed once
// and runs as a template named "gotpl" in set, as Helm names it in errors,
// instead of cloning the whole set per call as Helm does. Text that defines
// templates of its own is parsed into a clone, so its definitions cannot
// leak into the render, with include and tpl bound to the clone, so the text
// can use them.
func (e *engine) tplIn(set *template.Template) func(string, any) (string, error) {
	cache := map[string]*template.Template{}
	return func(text string, data any) (string, error) {
		if e.tplDepth >= maxTplDepth {
			return "", &TplDepthError{Text: text}
		}
		e.tplDepth++
		defer func() { e.tplDepth-- }()
		t, ok := cache[text]
		if !ok {
			var err error
			if t, err = e.parseTpl(set, text); err != nil {
				return "", err
			}
			cache[text] = t
		}
		var buf strings.Builder
		if err := t.Execute(&buf, data); err != nil {
			// The depth error passes up alone: wrapped at every level, as
			// other errors are, it would grow to a thousand copies of the text.
			var deep *TplDepthError
			if errors.As(err, &deep) {
				return "", deep
			}
			return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
}

func (e *engine) parseTpl(set *template.Template, text string) (*template.Template, error) {
	trees, err := tplparse.Parse("gotpl", text, e.funcs, builtinNames)
	if err != nil {
		return nil, fmt.Errorf("cannot parse template %q: %w", text, err)
	}
	if tree := trees["gotpl"]; len(trees) == 1 && tree != nil {
		return set.New("gotpl").AddParseTree("gotpl", tree)
	}
	clone, err := set.Clone()
	if err != nil {
		return nil, fmt.Errorf("cannot clone template: %w", err)
	}
	// What Template.Parse does with the trees, without parsing again.
	t := clone.New("gotpl")
	for name, tree := range trees {
		if _, err := t.AddParseTree(name, tree); err != nil {
			return nil, fmt.Errorf("cannot parse template %q: %w", text, err)
		}
	}
	t.Funcs(template.FuncMap{"include": e.includeIn(clone), "tpl": e.tplIn(clone)})
	return t, nil
}

func (e *engine) required(msg string, val any) (any, error) {
	missing := val == nil
	if s, ok := val.(string); ok && s == "" {
		missing = true
	}
	if !missing {
		return val, nil
	}
	if e.lintMode {
		return "", nil
	}
	return val, &failure{msg: msg}
}

func (e *engine) fail(msg string) (string, error) {
	if e.lintMode {
		return "", nil
	}
	return "", &failure{msg: msg}
}

// parse adds every template to the shared set. Deeper paths are added first
// and, at equal depth, reverse-alphabetically, so that when two files define
// the same name the parent chart's (or the alphabetically first) wins. The
// files are parsed concurrently into trees; adding the trees to the set stays
// sequential and in that order, which is all the outcome depends on.
func (e *engine) parse(tpls map[string]renderable) ([]string, error) {
	names := make([]string, 0, len(tpls))
	for name := range tpls {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		di, dj := strings.Count(names[i], "/"), strings.Count(names[j], "/")
		if di != dj {
			return di > dj
		}
		return names[i] > names[j]
	})
	type parsed struct {
		trees map[string]*parse.Tree
		err   error
	}
	results := make([]parsed, len(names))
	parallel.ForEach(len(names), func(i int) {
		trees, err := tplparse.Parse(names[i], tpls[names[i]].text, e.funcs, builtinNames)
		results[i] = parsed{trees, err}
	})
	for i, name := range names {
		if results[i].err != nil {
			return nil, parseError(name, results[i].err)
		}
		t := e.root.New(name)
		for treeName, tree := range results[i].trees {
			if _, err := t.AddParseTree(treeName, tree); err != nil {
				return nil, parseError(name, err)
			}
		}
	}
	return names, nil
}

// builtinNames are text/template's predefined functions, which the parser
// must know exist.
var builtinNames = func() map[string]any {
	m := map[string]any{}
	for _, n := range []string{"and", "call", "html", "index", "slice", "js", "len", "not", "or",
		"print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne"} {
		m[n] = func() {}
	}
	return m
}()

// execute runs every non-partial template in parse order and hands each
// output to emit. Templates may mutate shared values, so the order is part of
// the output.
func (e *engine) execute(tpls map[string]renderable, order []string, emit func(name, out string)) error {
	// One buffer serves every template; each output is copied out at its
	// final size instead of growing a fresh builder per file.
	var buf bytes.Buffer
	for _, name := range order {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		r := tpls[name]
		r.data["Template"] = map[string]any{"Name": name, "BasePath": r.basePath}
		buf.Reset()
		if err := e.root.ExecuteTemplate(&buf, name, r.data); err != nil {
			return execError(name, err)
		}
		emit(name, strings.ReplaceAll(buf.String(), "<no value>", ""))
	}
	return nil
}

func parseError(name string, err error) error {
	parts := strings.Split(err.Error(), ": ")
	if len(parts) == 1 {
		return fmt.Errorf("parse error in (%s): %w", name, err)
	}
	return fmt.Errorf("parse error at (%s): %s", parts[1], parts[len(parts)-1])
}

// execError turns text/template's "template: NAME:LINE:COL: executing ...:
// MSG" into Helm's "execution error at (NAME:LINE:COL): MSG" when the cause
// is required or fail.
func execError(name string, err error) error {
	var f *failure
	if !errors.As(err, &f) {
		return err
	}
	var execErr template.ExecError
	if !errors.As(err, &execErr) {
		return fmt.Errorf("execution error in (%s): %w", name, err)
	}
	parts := strings.SplitN(execErr.Error(), ": ", 3)
	if len(parts) != 3 {
		return fmt.Errorf("execution error in (%s): %w", name, err)
	}
	return fmt.Errorf("execution error at (%s): %s", parts[1], f.msg)
}

// collect builds the template map of a chart tree and the data each chart's
// templates see. It returns the chart's data map, which the parent exposes
// under .Subcharts.
func collect(c *chart.Chart, parent map[string]any, tpls map[string]renderable) map[string]any {
	subcharts := map[string]any{}
	data := map[string]any{
		"Chart":        chartView{Metadata: *c.Metadata, IsRoot: c.IsRoot()},
		"Files":        newFiles(c.Files),
		"Release":      parent["Release"],
		"Capabilities": parent["Capabilities"],
		"Values":       Values{},
		"Subcharts":    subcharts,
	}
	if c.IsRoot() {
		data["Values"] = parent["Values"]
	} else if vals, ok := parent["Values"].(Values); ok {
		if sub, ok := vals[c.Name()].(Values); ok {
			data["Values"] = sub
		}
	}
	for _, sub := range c.Dependencies() {
		subcharts[sub.Name()] = collect(sub, data, tpls)
	}
	full := c.FullPath()
	for _, t := range c.Templates {
		if c.IsLibrary() && !strings.HasPrefix(path.Base(t.Name), "_") {
			continue
		}
		tpls[full+"/"+t.Name] = renderable{text: string(t.Data), data: data, basePath: full + "/templates"}
	}
	return data
}

// chartView is .Chart: the chart's metadata plus IsRoot, shaped as in Helm.
type chartView struct {
	chart.Metadata
	IsRoot bool
}
