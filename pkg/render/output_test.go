package render

import (
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/chart"
)

// helmStream is how `helm template` assembles its output: the whole manifest
// trimmed, a newline, then each hook.
func helmStream(r *Result, opts WriteOptions) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(r.Manifest(opts.IncludeCRDs)))
	b.WriteString("\n")
	for _, h := range r.Hooks {
		if opts.SkipHooks || (opts.SkipTests && h.IsTest()) {
			continue
		}
		writeDoc(&b, h.Path, h.Manifest)
	}
	return b.String()
}

func TestWriteStreamMatchesTrimmedManifest(t *testing.T) {
	crd := func(data string) chart.CRDFile {
		return chart.CRDFile{Filename: "c/crds/x.yaml", File: &chart.File{Name: "crds/x.yaml", Data: []byte(data)}}
	}
	manifests := []Manifest{{Source: "c/templates/a.yaml", Content: "kind: A"}, {Source: "c/templates/b.yaml", Content: "kind: B"}}
	hooks := []*Hook{{Path: "c/templates/h.yaml", Manifest: "kind: Job", Events: []HookEvent{HookTest}}}
	results := map[string]*Result{
		"empty":                      {},
		"manifests only":             {Manifests: manifests},
		"hooks only":                 {Hooks: hooks},
		"crds then manifests":        {CRDs: []chart.CRDFile{crd("kind: CRD\n\n"), crd("  lead: x\n")}, Manifests: manifests, Hooks: hooks},
		"crds only, trailing space":  {CRDs: []chart.CRDFile{crd("kind: CRD\n"), crd("kind: CRD2 \n\n\t")}},
		"crds only, blank last file": {CRDs: []chart.CRDFile{crd("kind: CRD\n"), crd(" \n\n")}},
		"single blank crd":           {CRDs: []chart.CRDFile{crd("\n")}},
	}
	for name, r := range results {
		for _, opts := range []WriteOptions{{}, {IncludeCRDs: true}, {IncludeCRDs: true, SkipTests: true}, {SkipHooks: true}} {
			var got strings.Builder
			if err := r.WriteStream(&got, opts); err != nil {
				t.Fatal(err)
			}
			if want := helmStream(r, opts); got.String() != want {
				t.Errorf("%s %+v:\ngot  %q\nwant %q", name, opts, got.String(), want)
			}
		}
	}
}
