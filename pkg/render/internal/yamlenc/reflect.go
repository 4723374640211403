package yamlenc

import (
	"encoding"
	"encoding/json"
	"reflect"
)

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	jsonNumberType    = reflect.TypeFor[json.Number]()
)

// fromReflect handles the types toTree's switch does not name: named or
// otherwise typed maps, slices and scalars. It only accepts types that
// json.Marshal encodes purely by kind, i.e. that implement neither
// json.Marshaler nor encoding.TextMarshaler on the value or the pointer.
// Structs, pointers, arrays, []byte, float32, json.Number and everything
// else fall back.
func fromReflect(v any, depth int) (any, bool) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || hasMarshaler(rv.Type()) {
		return nil, false
	}
	switch rv.Kind() {
	case reflect.String:
		s := rv.String()
		return s, cleanString(s)
	case reflect.Bool:
		return rv.Bool(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fromInt64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return fromUint(rv.Uint()), true
	case reflect.Float64:
		return fromFloat(rv.Float())
	case reflect.Map:
		return reflectMap(rv, depth)
	case reflect.Slice:
		return reflectSlice(rv, depth)
	}
	return nil, false
}

// hasMarshaler reports whether json.Marshal could call a method of t instead
// of encoding it by kind. json.Number has no such method but is written as a
// bare number by type identity, so it counts as well.
func hasMarshaler(t reflect.Type) bool {
	if t == jsonNumberType {
		return true
	}
	p := reflect.PointerTo(t)
	return t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) ||
		p.Implements(jsonMarshalerType) || p.Implements(textMarshalerType)
}

// reflectMap converts a map whose keys are of string kind; json.Marshal uses
// such keys verbatim. Other key kinds are converted to text by json and fall
// back.
func reflectMap(rv reflect.Value, depth int) (any, bool) {
	if rv.Type().Key().Kind() != reflect.String {
		return nil, false
	}
	if rv.IsNil() {
		return nil, true
	}
	out := make(map[any]any, rv.Len())
	iter := rv.MapRange()
	for iter.Next() {
		k := iter.Key().String()
		if !cleanKey(k) {
			return nil, false
		}
		t, ok := elemTree(iter.Value(), depth+1)
		if !ok {
			return nil, false
		}
		out[k] = t
	}
	return out, true
}

// reflectSlice converts a slice. Byte slices are base64 text in JSON and
// fall back.
func reflectSlice(rv reflect.Value, depth int) (any, bool) {
	if rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false
	}
	if rv.IsNil() {
		return nil, true
	}
	out := make([]any, rv.Len())
	for i := range out {
		t, ok := elemTree(rv.Index(i), depth+1)
		if !ok {
			return nil, false
		}
		out[i] = t
	}
	return out, true
}

// elemTree converts a map value or slice element. An element of interface
// type is encoded by json as its dynamic value, or null when nil.
func elemTree(ev reflect.Value, depth int) (any, bool) {
	if ev.Kind() == reflect.Interface && ev.IsNil() {
		return nil, depth <= maxDepth
	}
	return toTree(ev.Interface(), depth)
}
