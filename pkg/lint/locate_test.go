package lint

import (
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

func TestLookup(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata:
  annotations:
    example.com/key.with.dots: "x"
spec:
  containers:
    - name: a
      image: one
    - name: b
      ports:
        - containerPort: 80
`
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
		t.Fatal(err)
	}
	root := n.Content[0]
	tests := []struct {
		path string
		line int
	}{
		{"kind", 2},
		{"metadata.annotations.example.com/key.with.dots", 5},
		{"spec.containers[1].name", 10},
		{"spec.containers[1]", 10},
		{"spec.containers.ports.containerPort", 12},
		{"spec.containers[7].name", 0},
		{"spec.nothing", 0},
	}
	for _, tt := range tests {
		key, _ := lookup(root, tt.path)
		got := 0
		if key != nil {
			got = key.Line
		}
		if got != tt.line {
			t.Errorf("lookup(%q) line = %d, want %d", tt.path, got, tt.line)
		}
	}
}

func TestSourceLine(t *testing.T) {
	src := `apiVersion: {{ include "api" . }}
kind: Thing
spec:
  {{- with .Values.x }}
  image: {{ .image }}
  {{- end }}
  containers:
    - name: a
      image: fixed
    - "name": b
`
	tests := []struct {
		key, value string
		line       int
	}{
		{"apiVersion", "", 1},
		{"image", "fixed", 9},
		{"image", "", 0}, // twice: ambiguous
		{"name", "b", 10},
		{"missing", "", 0},
	}
	for _, tt := range tests {
		if got := sourceLine(src, tt.key, tt.value); got != tt.line {
			t.Errorf("sourceLine(%q, %q) = %d, want %d", tt.key, tt.value, got, tt.line)
		}
	}
}

// TestLocatorFallsBackToTheRenderedDocument: a field the template does not
// spell out (it came from toYaml of values) is placed in the document.
func TestLocatorFallsBackToTheRenderedDocument(t *testing.T) {
	src := "spec:\n  {{- toYaml .Values.spec | nindent 2 }}\n"
	doc := "spec:\n  replicas: 1\n  typo: true\n"
	f := newLocator("templates/x.yaml", src, doc).at(Warning, "spec.typo", "unknown")
	if f.Line != 0 || f.DocLine != 3 {
		t.Errorf("Line=%d DocLine=%d, want 0 and 3", f.Line, f.DocLine)
	}
	if got, want := f.String(), "[WARNING] templates/x.yaml: unknown (line 3 of the rendered document)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	f = newLocator("templates/x.yaml", "spec:\n  typo: {{ .Values.t }}\n", doc).at(Warning, "spec.typo", "unknown")
	if f.Line != 2 || f.DocLine != 0 {
		t.Errorf("Line=%d DocLine=%d, want 2 and 0", f.Line, f.DocLine)
	}
}
