package render

import (
	"strings"

	"github.com/kpkg/kpkg/internal/yamldec"
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
	var apiVersion, kind, metadata any
	var seen [3]bool
	for k, val := range top {
		var i int
		switch {
		case strings.EqualFold(k, "apiVersion"):
			i, apiVersion = 0, val
		case strings.EqualFold(k, "kind"):
			i, kind = 1, val
		case strings.EqualFold(k, "metadata"):
			i, metadata = 2, val
		default:
			continue
		}
		if seen[i] {
			return Head{}, false
		}
		seen[i] = true
	}
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
	var name, annotations any
	seen = [3]bool{}
	for k, val := range md {
		var i int
		switch {
		case strings.EqualFold(k, "name"):
			i, name = 0, val
		case strings.EqualFold(k, "annotations"):
			i, annotations = 1, val
		default:
			continue
		}
		if seen[i] {
			return Head{}, false
		}
		seen[i] = true
	}
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
