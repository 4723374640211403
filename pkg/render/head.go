package render

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	yamlv2 "go.yaml.in/yaml/v2"
)

// decodeHead reads apiVersion, kind, metadata.name and metadata.annotations
// of one document with the semantics of sigs.k8s.io/yaml.Unmarshal into Head,
// which is what Helm uses: the same YAML parser and decode step (so the same
// documents are rejected), the same key conversion, JSON's field matching
// (exact, else case-insensitive, later keys win) and the same scalar-to-string
// formatting. It skips the YAML→JSON→struct round trip of the whole document,
// which was most of the cost; FuzzDecodeHead compares both on random input.
func decodeHead(doc string) (Head, error) {
	if h, ok := headFromDecoded(doc); ok {
		return h, nil
	}
	var obj any
	if err := yamlv2.Unmarshal([]byte(doc), &obj); err != nil {
		return Head{}, fmt.Errorf("error converting YAML to JSON: %w", err)
	}
	if err := checkKeys(obj); err != nil {
		return Head{}, fmt.Errorf("error converting YAML to JSON: %w", err)
	}
	var h Head
	if obj == nil {
		return h, nil
	}
	top, ok := obj.(map[any]any)
	if !ok {
		return h, fmt.Errorf("error unmarshaling JSON: json: cannot unmarshal %s into Go value of type render.Head", jsonKind(obj))
	}
	var err error
	for _, kv := range jsonFields(top) {
		switch {
		case strings.EqualFold(kv.key, "apiVersion"):
			h.APIVersion, err = jsonString(kv.value, h.APIVersion, "apiVersion")
		case strings.EqualFold(kv.key, "kind"):
			h.Kind, err = jsonString(kv.value, h.Kind, "kind")
		case strings.EqualFold(kv.key, "metadata"):
			err = decodeHeadMetadata(kv.value, &h)
		}
		if err != nil {
			return Head{}, err
		}
	}
	return h, nil
}

func decodeHeadMetadata(v any, h *Head) error {
	if v == nil {
		h.Metadata = nil
		return nil
	}
	m, ok := v.(map[any]any)
	if !ok {
		return fmt.Errorf("error unmarshaling JSON: json: cannot unmarshal %s into Go struct field Head.metadata", jsonKind(v))
	}
	if h.Metadata == nil {
		h.Metadata = &struct {
			Name        string            `json:"name"`
			Annotations map[string]string `json:"annotations"`
		}{}
	}
	var err error
	for _, kv := range jsonFields(m) {
		switch {
		case strings.EqualFold(kv.key, "name"):
			h.Metadata.Name, err = jsonString(kv.value, h.Metadata.Name, "metadata.name")
		case strings.EqualFold(kv.key, "annotations"):
			err = decodeAnnotations(kv.value, &h.Metadata.Annotations)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func decodeAnnotations(v any, out *map[string]string) error {
	if v == nil {
		*out = nil
		return nil
	}
	m, ok := v.(map[any]any)
	if !ok {
		return fmt.Errorf("error unmarshaling JSON: json: cannot unmarshal %s into Go struct field .metadata.annotations of type map[string]string", jsonKind(v))
	}
	if *out == nil {
		*out = make(map[string]string, len(m))
	}
	for _, kv := range jsonFields(m) {
		s, err := jsonString(kv.value, "", "metadata.annotations")
		if err != nil {
			return err
		}
		(*out)[kv.key] = s
	}
	return nil
}

type jsonField struct {
	key   string
	value any
}

// jsonFields lists a YAML mapping as the JSON object sigs.k8s.io/yaml would
// marshal it to: keys converted to strings, in sorted order (the order
// encoding/json decodes them in, so later duplicates win).
func jsonFields(m map[any]any) []jsonField {
	out := make([]jsonField, 0, len(m))
	for k, v := range m {
		key, _ := jsonKey(k)
		out = append(out, jsonField{key, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// jsonString converts a scalar for a string field as sigs.k8s.io/yaml does;
// null leaves the field as it was.
func jsonString(v any, prev, field string) (string, error) {
	switch t := v.(type) {
	case nil:
		return prev, nil
	case string:
		return t, nil
	case int:
		return strconv.Itoa(t), nil
	case int64:
		return strconv.FormatInt(t, 10), nil
	case uint64:
		return strconv.FormatUint(t, 10), nil
	case float64:
		return strconv.FormatFloat(t, 'g', -1, 32), nil
	case bool:
		return strconv.FormatBool(t), nil
	}
	return "", fmt.Errorf("error unmarshaling JSON: json: cannot unmarshal %s into Go struct field %s of type string", jsonKind(v), field)
}

func jsonKey(k any) (string, error) {
	switch t := k.(type) {
	case string:
		return t, nil
	case int:
		return strconv.Itoa(t), nil
	case int64:
		return strconv.FormatInt(t, 10), nil
	case float64:
		s := strconv.FormatFloat(t, 'g', -1, 32)
		switch s {
		case "+Inf":
			s = ".inf"
		case "-Inf":
			s = "-.inf"
		case "NaN":
			s = ".nan"
		}
		return s, nil
	case bool:
		return strconv.FormatBool(t), nil
	}
	return "", fmt.Errorf("unsupported map key of type: %T, key: %+#v", k, k)
}

// checkKeys fails where sigs.k8s.io/yaml's conversion to JSON would: on a
// mapping key that is not a string, number or bool, anywhere in the document.
func checkKeys(v any) error {
	switch t := v.(type) {
	case map[any]any:
		for k, val := range t {
			if _, err := jsonKey(k); err != nil {
				return err
			}
			if err := checkKeys(val); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range t {
			if err := checkKeys(e); err != nil {
				return err
			}
		}
	}
	return nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[any]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return "number"
}
