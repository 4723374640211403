package render

import (
	"bufio"
	"io"
	"strings"
)

// WriteOptions control how a Result is printed as one YAML stream.
type WriteOptions struct {
	// IncludeCRDs prints the crds/ files first.
	IncludeCRDs bool
	// SkipHooks leaves hook documents out.
	SkipHooks bool
	// SkipTests leaves test hooks out.
	SkipTests bool
}

// Manifest returns the release manifest: CRDs (when asked) and every
// non-hook document, each preceded by "---" and a "# Source:" line.
func (r *Result) Manifest(includeCRDs bool) string {
	var b strings.Builder
	b.Grow(r.manifestSize(includeCRDs))
	r.writeManifest(&b, includeCRDs)
	return b.String()
}

// Stream is what `helm template` prints: the manifest, then the hooks.
func (r *Result) Stream(opts WriteOptions) string {
	var b strings.Builder
	b.Grow(r.manifestSize(opts.IncludeCRDs) + 1)
	_ = r.WriteStream(&b, opts)
	return b.String()
}

// WriteStream writes Stream(opts) to w without building it in memory first.
func (r *Result) WriteStream(w io.Writer, opts WriteOptions) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	// Helm trims the whole manifest: leading whitespace can only come from
	// the first CRD file, trailing whitespace only from the last document.
	var m strings.Builder
	if opts.IncludeCRDs && len(r.CRDs) > 0 {
		m.Grow(r.manifestSize(true))
		r.writeManifest(&m, true)
		bw.WriteString(strings.TrimSpace(m.String()))
	} else {
		for i, doc := range r.Manifests {
			writeDocTo(bw, doc.Source, doc.Content, i == len(r.Manifests)-1)
		}
	}
	bw.WriteString("\n")
	if !opts.SkipHooks {
		for _, h := range r.Hooks {
			if opts.SkipTests && h.IsTest() {
				continue
			}
			writeDocTo(bw, h.Path, h.Manifest, false)
		}
	}
	return bw.Flush()
}

func (r *Result) manifestSize(includeCRDs bool) int {
	n := 0
	if includeCRDs {
		for _, crd := range r.CRDs {
			n += len(crd.Filename) + len(crd.File.Data) + 16
		}
	}
	for _, m := range r.Manifests {
		n += len(m.Source) + len(m.Content) + 16
	}
	return n
}

func (r *Result) writeManifest(b *strings.Builder, includeCRDs bool) {
	if includeCRDs {
		for _, crd := range r.CRDs {
			b.WriteString("---\n# Source: ")
			b.WriteString(crd.Filename)
			b.WriteString("\n")
			b.Write(crd.File.Data)
			b.WriteString("\n")
		}
	}
	for _, m := range r.Manifests {
		writeDoc(b, m.Source, m.Content)
	}
}

// writeDocTo writes one document; the last manifest document drops its
// trailing whitespace as Helm's trim of the whole manifest does (documents
// are already trimmed, so only its final newline goes).
func writeDocTo(w *bufio.Writer, source, content string, last bool) {
	w.WriteString("---\n# Source: ")
	w.WriteString(source)
	w.WriteString("\n")
	w.WriteString(content)
	if !last {
		w.WriteString("\n")
	}
}

// IsTest reports whether the hook runs on `test`.
func (h *Hook) IsTest() bool {
	for _, e := range h.Events {
		if e == HookTest {
			return true
		}
	}
	return false
}

func writeDoc(b *strings.Builder, source, content string) {
	b.WriteString("---\n# Source: ")
	b.WriteString(source)
	b.WriteString("\n")
	b.WriteString(content)
	b.WriteString("\n")
}
