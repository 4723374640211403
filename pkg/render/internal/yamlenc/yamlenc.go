// Package yamlenc owns a faster, byte-identical replacement for
// sigs.k8s.io/yaml.Marshal, the function behind Helm's toYaml.
//
// sigs.k8s.io/yaml.Marshal encodes its argument to JSON, parses that JSON
// text with go.yaml.in/yaml/v2 into an interface{} tree and emits the tree
// with yaml.v2 again. This package skips the JSON text: it walks the Go value
// once and builds the very tree the yaml.v2 parser would have produced, then
// hands it to the same yaml.v2 emitter, so quoting, folding and key order stay
// exactly Helm's. Values it cannot prove identical are passed to
// sigs.k8s.io/yaml.Marshal unchanged.
package yamlenc

import (
	"go.yaml.in/yaml/v2"
	sigsyaml "sigs.k8s.io/yaml"
)

// Marshal returns exactly what sigs.k8s.io/yaml.Marshal(v) returns: the same
// bytes, and an error exactly when sigs returns one.
func Marshal(v any) ([]byte, error) {
	tree, ok := toTree(v, 0)
	if !ok {
		return sigsyaml.Marshal(v)
	}
	// sigs ends with this very call on an equal tree, so the result, error
	// included, is the same.
	return yaml.Marshal(tree)
}
