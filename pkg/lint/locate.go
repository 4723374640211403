package lint

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
)

// locator finds where a field of a rendered object comes from: the line of
// the template source when exactly one line can have produced it, otherwise
// the line in the rendered document.
type locator struct {
	path   string // template file, relative to the chart root
	source string // the template's source text
	prefix string // field path of the object within the document
	// root parses the rendered document on first use: most documents
	// have no findings and need no positions.
	root func() *yaml.Node
}

func newLocator(path, source, doc string) locator {
	return locator{path: path, source: source, root: sync.OnceValue(func() *yaml.Node {
		var n yaml.Node
		if yaml.Unmarshal([]byte(doc), &n) != nil || n.Kind != yaml.DocumentNode || len(n.Content) != 1 {
			return nil
		}
		return n.Content[0]
	})}
}

// within returns a locator for the object at field path prefix.
func (l locator) within(prefix string) locator {
	if prefix != "" {
		l.prefix = joinPath(l.prefix, prefix)
	}
	return l
}

// at makes a finding about field, a path such as
// "spec.template.spec.containers[0].image"; "" means the whole object.
func (l locator) at(sev Severity, field, msg string) Finding {
	f := Finding{Severity: sev, Path: l.path, Message: msg}
	field = joinPath(l.prefix, field)
	root := l.root()
	if field == "" || root == nil {
		return f
	}
	key, value := lookup(root, field)
	if key == nil {
		return f
	}
	name := key.Value
	if value != nil && value.Kind == yaml.ScalarNode {
		f.Line = sourceLine(l.source, name, value.Value)
	}
	if f.Line == 0 && countKeys(root, name) == 1 {
		f.Line = sourceLine(l.source, name, "")
	}
	if f.Line == 0 {
		f.DocLine = key.Line
	}
	return f
}

// lookup walks path from n and returns the node naming the last element (a
// mapping key, or the sequence item) and its value. Keys may contain dots:
// at each mapping the longest key that prefixes the rest of the path wins. A
// path without [i] indexes (as in JSON type errors) matches the first item
// of a sequence that has the rest of the path.
func lookup(n *yaml.Node, path string) (key, value *yaml.Node) {
	for path != "" {
		switch n.Kind {
		case yaml.AliasNode:
			n = n.Alias
		case yaml.SequenceNode:
			if !strings.HasPrefix(path, "[") {
				for _, item := range n.Content {
					if k, v := lookup(item, path); k != nil {
						return k, v
					}
				}
				return nil, nil
			}
			end := strings.IndexByte(path, ']')
			i, err := strconv.Atoi(path[1:max(end, 1)])
			if end < 0 || err != nil || i < 0 || i >= len(n.Content) {
				return nil, nil
			}
			key, n = n.Content[i], n.Content[i]
			path = strings.TrimPrefix(path[end+1:], ".")
		case yaml.MappingNode:
			best := -1
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if prefixesPath(path, k) && (best < 0 || len(k) > len(n.Content[best].Value)) {
					best = i
				}
			}
			if best < 0 {
				return nil, nil
			}
			key, n = n.Content[best], n.Content[best+1]
			path = strings.TrimPrefix(path[len(key.Value):], ".")
		default:
			return nil, nil
		}
	}
	return key, n
}

func prefixesPath(path, key string) bool {
	if !strings.HasPrefix(path, key) {
		return false
	}
	rest := path[len(key):]
	return rest == "" || rest[0] == '.' || rest[0] == '['
}

// countKeys counts mapping keys named name anywhere under n.
func countKeys(n *yaml.Node, name string) int {
	count := 0
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				count++
			}
		}
	}
	for _, c := range n.Content {
		count += countKeys(c, name)
	}
	return count
}

// sourceLine returns the 1-based line of the template source where key is
// set (to a text containing value, when value is not empty), or 0 when no
// line or more than one line qualifies.
func sourceLine(source, key, value string) int {
	if source == "" || key == "" {
		return 0
	}
	re := regexp.MustCompile(`(?m)^[ \t]*(?:-[ \t]+)?["']?` + regexp.QuoteMeta(key) + `["']?[ \t]*:(.*)$`)
	line := 0
	for _, m := range re.FindAllStringSubmatchIndex(source, -1) {
		if value != "" && !strings.Contains(source[m[2]:m[3]], value) {
			continue
		}
		if line != 0 {
			return 0
		}
		line = strings.Count(source[:m[0]], "\n") + 1
	}
	return line
}
