package yamlenc

// maxDepth bounds the nesting the fast path follows. Deeper values (and
// cyclic ones, which json.Marshal rejects) go to sigs, which knows how to
// fail on them; real chart values are far shallower.
const maxDepth = 100

// toTree returns the value yaml.v2 would decode from json.Marshal(v) into an
// interface{}: map[interface{}]interface{} with string keys, []interface{},
// string, int, uint64, float64, bool or nil. ok is false when v holds
// anything whose JSON round trip is not reproduced here.
func toTree(v any, depth int) (tree any, ok bool) {
	if depth > maxDepth {
		return nil, false
	}
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		return x, cleanString(x)
	case bool:
		return x, true
	case map[string]any:
		return mapAny(x, depth)
	case []any:
		return sliceAny(x, depth)
	case float64:
		return fromFloat(x)
	case int:
		return x, true
	case int64:
		return fromInt64(x), true
	case int32:
		return int(x), true
	case int16:
		return int(x), true
	case int8:
		return int(x), true
	case uint:
		return fromUint(uint64(x)), true
	case uint64:
		return fromUint(x), true
	case uint32:
		return fromInt64(int64(x)), true
	case uint16:
		return int(x), true
	case uint8:
		return int(x), true
	case map[string]string:
		return mapString(x)
	case []string:
		return sliceString(x)
	}
	return fromReflect(v, depth)
}

// mapAny converts a JSON object. A nil map is JSON null, not {}.
func mapAny(m map[string]any, depth int) (any, bool) {
	if m == nil {
		return nil, true
	}
	out := make(map[any]any, len(m))
	for k, v := range m {
		if !cleanKey(k) {
			return nil, false
		}
		t, ok := toTree(v, depth+1)
		if !ok {
			return nil, false
		}
		out[k] = t
	}
	return out, true
}

// sliceAny converts a JSON array. A nil slice is JSON null, not [].
func sliceAny(s []any, depth int) (any, bool) {
	if s == nil {
		return nil, true
	}
	out := make([]any, len(s))
	for i, v := range s {
		t, ok := toTree(v, depth+1)
		if !ok {
			return nil, false
		}
		out[i] = t
	}
	return out, true
}

func mapString(m map[string]string) (any, bool) {
	if m == nil {
		return nil, true
	}
	out := make(map[any]any, len(m))
	for k, v := range m {
		if !cleanKey(k) || !cleanString(v) {
			return nil, false
		}
		out[k] = v
	}
	return out, true
}

func sliceString(s []string) (any, bool) {
	if s == nil {
		return nil, true
	}
	out := make([]any, len(s))
	for i, v := range s {
		if !cleanString(v) {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}
