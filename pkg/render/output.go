package render

import (
	"sort"
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
		writeDoc(&b, m.Source, m.Content)
	}
	return b.String()
}

// Stream is what `helm template` prints: the manifest, then the hooks.
func (r *Result) Stream(opts WriteOptions) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(r.Manifest(opts.IncludeCRDs)))
	b.WriteString("\n")
	if !opts.SkipHooks {
		for _, h := range r.Hooks {
			if opts.SkipTests && h.IsTest() {
				continue
			}
			writeDoc(&b, h.Path, h.Manifest)
		}
	}
	return b.String()
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

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
