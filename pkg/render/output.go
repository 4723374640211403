package render

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unicode"

	"github.com/kpkg/kpkg/pkg/chart"
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
// non-hook document, each preceded by "---" and a "# Source:" line. After
// SetPostRendered it is the post-renderer's output, as Helm stores it.
func (r *Result) Manifest(includeCRDs bool) string {
	if r.postRendered != nil {
		return *r.postRendered
	}
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
// Helm trims the whole manifest before printing it; the manifest always
// starts with "---", so only the trailing whitespace of its last document
// (a CRD file's raw bytes, or a manifest) can be trimmed, and that is done
// here to that document alone.
func (r *Result) WriteStream(w io.Writer, opts WriteOptions) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	if r.postRendered != nil {
		bw.WriteString(strings.TrimSpace(*r.postRendered))
		bw.WriteString("\n")
		return r.writeHooks(bw, opts)
	}
	// CRD files are written from their bytes: converting megabytes of CRDs
	// to strings would copy them.
	var crds []chart.CRDFile
	if opts.IncludeCRDs {
		crds = r.CRDs
	}
	total := len(crds) + len(r.Manifests)
	for i := 0; i < total; i++ {
		last := i == total-1
		bw.WriteString("---\n# Source: ")
		if i < len(crds) {
			bw.WriteString(crds[i].Filename)
			content := crds[i].File.Data
			if last {
				content = bytes.TrimRightFunc(content, unicode.IsSpace)
			}
			if len(content) > 0 || !last {
				bw.WriteString("\n")
				bw.Write(content)
			}
		} else {
			m := r.Manifests[i-len(crds)]
			bw.WriteString(m.Source)
			content := m.Content
			if last {
				content = strings.TrimRightFunc(content, unicode.IsSpace)
			}
			if content != "" || !last {
				bw.WriteString("\n")
				bw.WriteString(content)
			}
		}
		// When the last document is blank, Helm's trim also takes the
		// newline after its "# Source:" line, which is why it is not written.
		if !last {
			bw.WriteString("\n")
		}
	}
	bw.WriteString("\n")
	return r.writeHooks(bw, opts)
}

// SetPostRendered replaces the manifest with what a post-renderer made of
// Manifest(includeCRDs): Helm passes the non-hook documents (and the CRDs
// that `template --include-crds` prints) through it, stores and prints its
// output, and leaves hooks as rendered.
func (r *Result) SetPostRendered(manifest string) { r.postRendered = &manifest }

func (r *Result) writeHooks(bw *bufio.Writer, opts WriteOptions) error {
	if !opts.SkipHooks {
		for _, h := range r.Hooks {
			if opts.SkipTests && h.IsTest() {
				continue
			}
			writeDoc(bw, h.Path, h.Manifest)
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

// IsTest reports whether the hook runs on `test`.
func (h *Hook) IsTest() bool {
	for _, e := range h.Events {
		if e == HookTest {
			return true
		}
	}
	return false
}

// writeDoc writes one document with its "# Source:" line.
func writeDoc(w io.StringWriter, source, content string) {
	w.WriteString("---\n# Source: ")
	w.WriteString(source)
	w.WriteString("\n")
	w.WriteString(content)
	w.WriteString("\n")
}
