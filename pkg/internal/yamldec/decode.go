// Package yamldec decodes YAML into exactly the values sigs.k8s.io/yaml
// yields for an interface{}, map or slice target (map[string]any, []any,
// string, float64, bool, nil), without its YAML→JSON→Go round trip.
//
// Helm reads every values file, every rendered document head and every
// fromYaml argument through that round trip, and on large charts it is most
// of the decode cost. The fast parser here covers the YAML that charts
// actually contain — block mappings and sequences, plain, quoted and block
// scalars, one-line flow collections, comments — and declines anything else
// (anchors, tags, tabs, complex keys, non-string keys, documents markers,
// NaN). A declined document goes through sigs.k8s.io/yaml itself, so every
// error message and every corner of YAML 1.1 stays Helm's. Fuzz tests compare
// both paths on random input.
package yamldec

import (
	"sigs.k8s.io/yaml"
)

// Decode returns the value sigs.k8s.io/yaml.Unmarshal stores into an
// interface{} for src, and false when src is outside the fast subset; the
// caller must then use sigs.k8s.io/yaml, which also reports every error.
func Decode(src string) (any, bool) {
	p, ok := newParser(src)
	if !ok {
		return nil, false
	}
	v, err := p.document()
	if err != nil {
		return nil, false
	}
	return v, true
}

// DecodeStrict is Decode for sigs.k8s.io/yaml.UnmarshalStrict: it also
// declines documents with a duplicate mapping key, which the strict
// decoder refuses. A declined document must go through UnmarshalStrict.
func DecodeStrict(src string) (any, bool) {
	p, ok := newParser(src)
	if !ok {
		return nil, false
	}
	p.strict = true
	v, err := p.document()
	if err != nil {
		return nil, false
	}
	return v, true
}

// UnmarshalMap is sigs.k8s.io/yaml.Unmarshal(data, m) for a pointer to an
// empty map, as Helm reads values files and fromYaml arguments.
func UnmarshalMap(data []byte, m *map[string]any) error {
	if v, ok := Decode(string(data)); ok {
		switch t := v.(type) {
		case nil:
			// JSON null leaves the target as it was.
			return nil
		case map[string]any:
			*m = t
			return nil
		}
	}
	return yaml.Unmarshal(data, m)
}

// UnmarshalSlice is sigs.k8s.io/yaml.Unmarshal(data, s) for a pointer to an
// empty slice, as Helm's fromYamlArray reads its argument.
func UnmarshalSlice(data []byte, s *[]any) error {
	if v, ok := Decode(string(data)); ok {
		switch t := v.(type) {
		case nil:
			return nil
		case []any:
			*s = t
			return nil
		}
	}
	return yaml.Unmarshal(data, s)
}
