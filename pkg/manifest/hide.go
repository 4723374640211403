package manifest

import (
	"strings"

	"sigs.k8s.io/yaml"
)

// HiddenSecret replaces the body of a Secret that HideSecrets hides.
const HiddenSecret = "# HIDDEN: The Secret output has been suppressed"

// docStart begins every document of a rendered release manifest.
const docStart = "---\n# Source: "

// HideSecrets returns a rendered release manifest (documents each written
// as "---\n# Source: PATH\nBODY\n") with the body of every v1 Secret
// replaced by HiddenSecret, as Helm prints a dry run with --hide-secret.
// Text before the first document and documents whose head cannot be read
// are kept as they are.
func HideSecrets(m string) string {
	var b strings.Builder
	b.Grow(len(m))
	rest := m
	if i := indexDocStart(rest, 0); i > 0 {
		b.WriteString(rest[:i])
		rest = rest[i:]
	}
	for rest != "" {
		end := indexDocStart(rest, len(docStart))
		if end < 0 {
			end = len(rest)
		}
		b.WriteString(hideDocument(rest[:end]))
		rest = rest[end:]
	}
	return b.String()
}

// indexDocStart finds the next document start at or after from that begins
// a line.
func indexDocStart(s string, from int) int {
	for from <= len(s) {
		i := strings.Index(s[from:], docStart)
		if i < 0 {
			return -1
		}
		i += from
		if i == 0 || s[i-1] == '\n' {
			return i
		}
		from = i + 1
	}
	return -1
}

// hideDocument rewrites one "---\n# Source: PATH\nBODY\n" document.
func hideDocument(doc string) string {
	if !strings.HasPrefix(doc, docStart) {
		return doc
	}
	nl := strings.IndexByte(doc[len(docStart):], '\n')
	if nl < 0 {
		return doc
	}
	head := doc[:len(docStart)+nl+1]
	var meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal([]byte(doc[len(head):]), &meta); err != nil || meta.Kind != "Secret" || meta.APIVersion != "v1" {
		return doc
	}
	return head + HiddenSecret + "\n"
}
