package render

import (
	"strings"

	"github.com/kpkg/kpkg/pkg/internal/yamldec"
)

// headFromDecoded reads the head of a document that yamldec decoded. It
// declines (ok false) whenever encoding/json's field matching would need more
// than the decoded value tells: a head field that is not a string (sigs.k8s.io/yaml
// formats the original scalar) or two keys matching one field.
func headFromDecoded(doc string) (h Head, ok bool) {
	v, ok := yamldec.Decode(doc)
	if !ok {
		return Head{}, false
	}
	if v == nil {
		return Head{}, true
	}
	top, isMap := v.(map[string]any)
	if !isMap {
		return Head{}, false
	}
	f, ok := pickFields(top, "apiVersion", "kind", "metadata")
	if !ok {
		return Head{}, false
	}
	apiVersion, kind, metadata := f[0], f[1], f[2]
	if h.APIVersion, ok = optionalString(apiVersion); !ok {
		return Head{}, false
	}
	if h.Kind, ok = optionalString(kind); !ok {
		return Head{}, false
	}
	if metadata == nil {
		return h, true
	}
	md, isMap := metadata.(map[string]any)
	if !isMap {
		return Head{}, false
	}
	h.Metadata = &struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	}{}
	if f, ok = pickFields(md, "name", "annotations"); !ok {
		return Head{}, false
	}
	name, annotations := f[0], f[1]
	if h.Metadata.Name, ok = optionalString(name); !ok {
		return Head{}, false
	}
	if annotations == nil {
		return h, true
	}
	am, isMap := annotations.(map[string]any)
	if !isMap {
		return Head{}, false
	}
	h.Metadata.Annotations = make(map[string]string, len(am))
	for k, val := range am {
		s, isString := val.(string)
		if !isString {
			return Head{}, false
		}
		h.Metadata.Annotations[k] = s
	}
	return h, true
}

// optionalString is a string field's value; null leaves it empty.
func optionalString(v any) (string, bool) {
	if v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

// pickFields returns the values of the keys that encoding/json would match
// to the named fields (case-insensitively); ok is false when two keys match
// one field, since which wins depends on the JSON key order.
func pickFields(m map[string]any, names ...string) (values []any, ok bool) {
	values = make([]any, len(names))
	seen := make([]bool, len(names))
	for k, v := range m {
		for i, name := range names {
			if strings.EqualFold(k, name) {
				if seen[i] {
					return nil, false
				}
				seen[i], values[i] = true, v
				break
			}
		}
	}
	return values, true
}
