// Package chartdoc generates the values reference of a chart's README.md from
// the comments in its values.yaml.
//
// The comment directly above a key in values.yaml is that key's description;
// the README keeps a generated Markdown table of every key between the marker
// comments [StartMarker] and [EndMarker]. Generating the table (and testing
// that the committed README matches it) keeps the documentation from drifting
// away from the defaults it describes.
//
// Which keys get a row: every scalar and every list, and every map whose own
// keys carry no comments (resources, probes, affinity... are documented as a
// whole, with their default shown as JSON). A map whose keys are commented is
// a section: it gets no row of its own and its keys are listed instead. Every
// row must have a description, so an undocumented value is an error.
package chartdoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The marker comments that delimit the generated table in a README. They are
// HTML comments so that they do not show when the Markdown is rendered.
const (
	StartMarker = "<!-- values:start -->"
	EndMarker   = "<!-- values:end -->"
)

// Value is one documented key of a values file.
type Value struct {
	// Key is the dotted path of the key, e.g. "image.tag". Path elements that
	// contain a dot or a space are quoted, e.g. `podAnnotations."a.b/c"`.
	Key string
	// Type is the YAML type of the default: string, int, float, bool, null,
	// list or object.
	Type string
	// Default is the default value as compact JSON.
	Default string
	// Description is the comment above the key, on one line.
	Description string
}

// Parse returns the documented keys of a values file in file order. It fails
// if the file is not a YAML mapping or if a key that gets a row has no
// comment.
func Parse(data []byte) ([]Value, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse values: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, nil // an empty file documents nothing
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("parse values: the document is not a mapping")
	}
	var (
		values       []Value
		undocumented []string
	)
	if err := walk(root, "", &values, &undocumented); err != nil {
		return nil, err
	}
	if len(undocumented) > 0 {
		return nil, fmt.Errorf("values without a comment above them: %s", strings.Join(undocumented, ", "))
	}
	return values, nil
}

// walk appends a row for every documented key under the mapping m, whose own
// path is prefix. Keys without a description are collected in undocumented
// rather than failing at the first, so one run reports them all.
func walk(m *yaml.Node, prefix string, values *[]Value, undocumented *[]string) error {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], resolve(m.Content[i+1])
		key := joinKey(prefix, k.Value)
		if v.Kind == yaml.MappingNode && hasCommentedKey(v) {
			if err := walk(v, key, values, undocumented); err != nil {
				return err
			}
			continue
		}
		def, err := defaultJSON(v)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		desc := description(k, v)
		if desc == "" {
			*undocumented = append(*undocumented, key)
		}
		*values = append(*values, Value{Key: key, Type: typeName(v), Default: def, Description: desc})
	}
	return nil
}

// resolve follows an alias to the node it names, so that anchored defaults
// are documented like any other.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// hasCommentedKey reports whether any key of the mapping m has a comment,
// which makes m a section rather than a value documented as a whole.
func hasCommentedKey(m *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if description(m.Content[i], m.Content[i+1]) != "" {
			return true
		}
	}
	return false
}

// description is the last paragraph of the comment above key k, so that a
// section heading separated by a blank line is not taken as part of it, or
// else the comment at the end of the key's line.
func description(k, v *yaml.Node) string {
	if c := k.HeadComment; c != "" {
		paras := strings.Split(c, "\n\n")
		return commentText(paras[len(paras)-1])
	}
	if c := k.LineComment; c != "" {
		return commentText(c)
	}
	// For "key: value # comment" yaml.v3 attaches the comment to the value.
	if v.Kind == yaml.ScalarNode {
		return commentText(v.LineComment)
	}
	return ""
}

// commentText strips the "#" markers of a comment block and joins its lines
// with spaces, since a table cell holds a single line.
func commentText(c string) string {
	var words []string
	for _, line := range strings.Split(c, "\n") {
		line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "#"))
		if line != "" {
			words = append(words, line)
		}
	}
	return strings.Join(words, " ")
}

// joinKey appends name to the dotted path prefix, quoting it when it would be
// ambiguous in a dotted path.
func joinKey(prefix, name string) string {
	if strings.ContainsAny(name, ". \"") || name == "" {
		name = fmt.Sprintf("%q", name)
	}
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// typeName names the type of a default the way a chart user thinks of it.
func typeName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "object"
	case yaml.SequenceNode:
		return "list"
	}
	switch n.ShortTag() {
	case "!!str":
		return "string"
	case "!!int":
		return "int"
	case "!!float":
		return "float"
	case "!!bool":
		return "bool"
	case "!!null":
		return "null"
	}
	return strings.TrimPrefix(n.ShortTag(), "!!")
}

// defaultJSON renders the default value of n as compact JSON, which is
// unambiguous about types ("1" versus 1) and fits a table cell. Map keys come
// out sorted, so the output is stable.
func defaultJSON(n *yaml.Node) (string, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Keep URLs and "<fullname>" readable instead of \u003c escapes.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// Table renders values as a Markdown table with a header row. The result ends
// with a newline.
func Table(values []Value) string {
	var b strings.Builder
	b.WriteString("| Key | Type | Default | Description |\n")
	b.WriteString("|-----|------|---------|-------------|\n")
	for _, v := range values {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n",
			code(v.Key), v.Type, code(v.Default), text(v.Description))
	}
	return b.String()
}

// cell escapes the characters that would end a table cell early.
func cell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

// text escapes a description for a table cell. "<" is escaped too, because
// placeholders such as <tenantId> would otherwise be read as HTML tags and
// vanish from the rendered page.
func text(s string) string {
	return cell(strings.ReplaceAll(s, "<", "&lt;"))
}

// code wraps s in a code span, with a backtick fence longer than any run of
// backticks inside it, as CommonMark requires.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + cell(s) + pad + fence
}

// Splice returns readme with the text between StartMarker and EndMarker
// replaced by table. The markers stay on lines of their own, so splicing the
// same table twice gives the same result.
func Splice(readme []byte, table string) ([]byte, error) {
	s := string(readme)
	start := strings.Index(s, StartMarker)
	if start < 0 {
		return nil, fmt.Errorf("missing %s marker", StartMarker)
	}
	if strings.Count(s, StartMarker) > 1 || strings.Count(s, EndMarker) > 1 {
		return nil, errors.New("values markers appear more than once")
	}
	end := strings.Index(s, EndMarker)
	if end < 0 {
		return nil, fmt.Errorf("missing %s marker", EndMarker)
	}
	if end < start {
		return nil, fmt.Errorf("%s comes before %s", EndMarker, StartMarker)
	}
	var b strings.Builder
	b.WriteString(s[:start+len(StartMarker)])
	b.WriteString("\n")
	b.WriteString(table)
	b.WriteString(s[end:])
	return []byte(b.String()), nil
}

// Readme returns readme with its values table regenerated from the values
// file.
func Readme(readme, values []byte) ([]byte, error) {
	vals, err := Parse(values)
	if err != nil {
		return nil, err
	}
	return Splice(readme, Table(vals))
}
