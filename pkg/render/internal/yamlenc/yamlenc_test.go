package yamlenc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v2"
	sigsyaml "sigs.k8s.io/yaml"
)

// sameAsSigs reports whether Marshal(v) matches sigs.k8s.io/yaml.Marshal(v)
// in bytes and error-ness, and a description of the difference if not.
//
// yaml.v2 sorts map keys with sort.Sort over Go's random map order using a
// comparison that is not transitive for every key set (e.g. "1", "01", "10",
// "1e3"), so sigs itself, and Helm, may answer differently from call to
// call. A result sigs produces on one of several tries is accepted. When
// sigs is seen to vary and no try matched, the fast path is still accepted
// if its tree equals what yaml.v2 decodes from json.Marshal(v): both outputs
// then come from the same yaml.v2 call on equal input. A fallback result is
// sigs' own, so it is accepted whenever sigs varies.
func sameAsSigs(v any) (ok bool, diff string) {
	got, gotErr := Marshal(v)
	var want []byte
	var wantErr error
	outputs := map[string]bool{}
	for range 100 {
		want, wantErr = sigsyaml.Marshal(v)
		if (gotErr != nil) == (wantErr != nil) && bytes.Equal(got, want) {
			return true, ""
		}
		outputs[string(want)+errString(wantErr)] = true
	}
	if len(outputs) > 1 {
		tree, fast := toTree(v, 0)
		if !fast || treeMatchesJSON(v, tree) {
			return true, ""
		}
	}
	return false, "got:\n" + string(got) + "err: " + errString(gotErr) +
		"\nwant:\n" + string(want) + "err: " + errString(wantErr)
}

// treeMatchesJSON reports whether tree is exactly, Go types included, what
// yaml.v2 decodes from json.Marshal(v), as sigs.k8s.io/yaml.JSONToYAML does.
func treeMatchesJSON(v, tree any) bool {
	data, err := json.Marshal(v)
	if err != nil {
		return false
	}
	var ref any
	if err := yaml.Unmarshal(data, &ref); err != nil {
		return false
	}
	return reflect.DeepEqual(tree, ref)
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// checkValue combines sameAsSigs with a stricter check of the fast path:
// its tree must equal, Go types included, what sigs hands to yaml.v2.
func checkValue(v any) (ok bool, diff string) {
	if ok, diff := sameAsSigs(v); !ok {
		return false, diff
	}
	if tree, fast := toTree(v, 0); fast && !treeMatchesJSON(v, tree) {
		return false, fmt.Sprintf("fast-path tree %#v differs from the JSON round trip", tree)
	}
	return true, ""
}

func assertSame(t *testing.T, v any) {
	t.Helper()
	if ok, diff := checkValue(v); !ok {
		t.Fatalf("Marshal(%#v) differs from sigs.k8s.io/yaml.Marshal\n%s", v, diff)
	}
}

type namedMap map[string]any

type namedSlice []any

type namedString string

type textString string

func (s textString) MarshalText() ([]byte, error) { return []byte("text:" + s), nil }

type jsonInt int

func (i *jsonInt) MarshalJSON() ([]byte, error) { return []byte(`"json"`), nil }

type plainStruct struct {
	A string `json:"a"`
	B int    `json:"b,omitempty"`
}

// trickyCases are values whose JSON round trip is easy to get wrong.
func trickyCases() map[string]any {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	deep := any("leaf")
	for range 150 {
		deep = map[string]any{"d": deep}
	}
	jint := jsonInt(3)
	return map[string]any{
		"nil":           nil,
		"nil map":       map[string]any(nil),
		"empty map":     map[string]any{},
		"nil slice":     []any(nil),
		"empty slice":   []any{},
		"nil strings":   []string(nil),
		"nil strmap":    map[string]string(nil),
		"nested nils":   map[string]any{"a": map[string]any(nil), "b": []any(nil), "c": []any{nil, []any{}, map[string]any{}}},
		"bools":         []any{true, false},
		"ints":          []any{0, -1, 1, int64(math.MaxInt64), int64(math.MinInt64), int8(-128), int16(300), int32(-70000), int64(1) << 62},
		"uints":         []any{uint(7), uint8(255), uint16(65535), uint32(1 << 31), uint64(math.MaxUint64), uint64(1) << 63, uintptr(9)},
		"float ints":    []any{123456789.0, 1e6, 1e15, 1e20, 1e19, -1e19, 9.2e18, 9223372036854775807.0, 18446744073709551615.0, 18446744073709551616.0, -9223372036854775808.0, -9007199254740993.0, 9007199254740993.0, 1e21 - 65536*2},
		"float exps":    []any{1e21, 1e22, 1e100, -1e21, 0.000001, 0.0000001, 1e-7, 5e-324, math.MaxFloat64, math.SmallestNonzeroFloat64, 1.5e-10},
		"float zero":    []any{0.0, math.Copysign(0, -1)},
		"float frac":    []any{0.1, 1.5, -2.25, 3.14159, 1234567.891, 0.30000000000000004, 100.5, 1e20 + 0.5},
		"nan":           math.NaN(),
		"inf":           math.Inf(1),
		"-inf":          math.Inf(-1),
		"nan in map":    map[string]any{"a": 1, "b": math.NaN()},
		"float32":       []any{float32(0.1), float32(1e21), float32(16777217)},
		"strings":       []any{"", " ", "a", " lead", "trail ", "yes", "no", "on", "off", "y", "n", "Y", "N", "true", "False", "null", "Null", "~", "NaN", ".nan", ".inf", "-.inf", "1", "01", "0x1F", "0o17", "0b101", "-0b101", "1_000", "1e3", ".5", "+1", "1.", "-", "--", "---", "...", "<<", "=", "2024-01-02", "2024-01-02T03:04:05Z", "1:20", "12:30:45", "190:20:30", "@at", "`tick", "#c", "a #c", "a: b", "- x", "? x", "!tag", "&a", "*a", "|", ">", "%x", "'", "\"", "\\", "{}", "[]", ",", "é", "世界", "\U0001F600"},
		"controls":      []any{"\x00", "a\x01b", "\b\f", "tab\there", "cr\rlf", "\x1b[0m"},
		"multiline":     []any{"a\nb", "a\nb\n", "a\n\n", "\nlead", "trail \nx", "a  \n  b", "line\n\ttab", "x\r\ny"},
		"html":          "<a href=\"x\">&amp;</a>",
		"long":          strings.Repeat("word ", 40),
		"long nospace":  strings.Repeat("x", 200),
		"very long":     []any{strings.Repeat("lorem ipsum ", 500), map[string]any{"k": strings.Repeat("<&>", 2000)}},
		"multibyte key": map[string]any{strings.Repeat("é", 500): 1, strings.Repeat("世", 300): 2},
		"long multi":    strings.Repeat("some words here ", 10) + "\n" + strings.Repeat("more words ", 12),
		"bad utf8":      "a\xffb",
		"bad utf8 key":  map[string]any{"\xff": 1, "\xfe": 2},
		"del":           "a\x7fb",
		"c1":            "a\u0085b",
		"c1 other":      "a\u0090b",
		"ls":            "a\u2028b",
		"ps":            "a\u2029b",
		"bom":           "\ufeffa",
		"fffe":          "a\ufffeb",
		"fffd":          "a\ufffdb",
		"nbsp":          "\u00a0x\u00a0",
		"keys":          map[string]any{"1": 1, "01": 2, "10": 3, "2": 4, "a1": 5, "a01": 6, "a10": 7, "a2": 8, "A": 9, "b": 10, "_x": 11, "-": 12, "": 13, "yes": 14, "on": 15, "null": 16, "~": 17, "<<": 18, "1.5": 19, "1e3": 20, "true": 21, "é": 22, "Z": 23, "a b": 24, " a": 25, "a:": 26},
		"merge key":     map[string]any{"<<": map[string]any{"a": 1}},
		"long key ok":   map[string]any{strings.Repeat("k", 990): 1},
		"long key bad":  map[string]any{strings.Repeat("k", 1030): 1},
		"long key esc":  map[string]any{strings.Repeat("<", 200): 1},
		"long key 1022": map[string]any{strings.Repeat("k", 1022): 1},
		"long key 1023": map[string]any{strings.Repeat("k", 1023): 1},
		"strmap":        map[string]string{"b": "yes", "a": "1", "c": "x\ny"},
		"strslice":      []string{"a", "on", "", "2"},
		"named map":     namedMap{"a": namedSlice{1, "x"}},
		"named string":  namedString("on"),
		"text string":   textString("x"),
		"text key":      map[textString]int{"k": 1},
		"json method":   []any{&jint, jint},
		"typed maps":    map[string]int{"a": 1},
		"int keys":      map[int]string{2: "b", 10: "a"},
		"nested typed":  map[string][]string{"a": {"x"}, "b": nil},
		"duration":      time.Duration(1500),
		"time":          time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		"bytes":         []byte("hello"),
		"array":         [2]int{1, 2},
		"struct":        plainStruct{A: "x"},
		"pointer":       &plainStruct{A: "y"},
		"nil pointer":   (*plainStruct)(nil),
		"json number":   []any{json.Number("1.0"), json.Number("1e3"), json.Number("12")},
		"raw json":      json.RawMessage(`{"b":1,"a":[true]}`),
		"chan":          make(chan int),
		"func":          map[string]any{"f": func() {}},
		"cyclic":        cyclic,
		"deep":          deep,
	}
}

func TestMarshalTricky(t *testing.T) {
	cases := trickyCases()
	for name, v := range cases {
		t.Run(name, func(t *testing.T) { assertSame(t, v) })
	}
	t.Run("all in one map", func(t *testing.T) {
		delete(cases, "cyclic")
		assertSame(t, cases)
	})
}

// TestFallback pins which values take the fast path, so a change that
// quietly sends common chart values to sigs shows up.
func TestFallback(t *testing.T) {
	fast := []any{
		map[string]any{"a": []any{1, 2.5, "x", true, nil}},
		map[string]string{"a": "b"},
		[]string{"a"},
		namedMap{"a": 1},
		time.Duration(5),
	}
	for _, v := range fast {
		if _, ok := toTree(v, 0); !ok {
			t.Errorf("%#v falls back, want fast path", v)
		}
	}
	slow := []any{
		[]byte("x"), plainStruct{}, &plainStruct{}, math.NaN(), float32(1),
		"\xff", textString("x"), json.Number("1"), map[int]string{}, [1]int{},
	}
	for _, v := range slow {
		if _, ok := toTree(v, 0); ok {
			t.Errorf("%#v takes the fast path, want fallback", v)
		}
	}
}

const corpusDir = "/work/shared/corpus/charts"

// corpusValues returns every values.yaml under corpusDir decoded as Helm
// decodes values, keyed by path.
func corpusValues(tb testing.TB) map[string]map[string]any {
	if _, err := os.Stat(corpusDir); err != nil {
		tb.Skipf("corpus not available: %v", err)
	}
	out := map[string]map[string]any{}
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "values.yaml" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var m map[string]any
		if err := sigsyaml.Unmarshal(data, &m); err != nil {
			tb.Logf("skipping %s: %v", path, err)
			return nil
		}
		out[path] = m
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestMarshalCorpus(t *testing.T) {
	all := corpusValues(t)
	if len(all) == 0 {
		t.Skip("no values.yaml in corpus")
	}
	for path, m := range all {
		t.Run(strings.TrimPrefix(path, corpusDir+"/"), func(t *testing.T) {
			assertSame(t, m)
			for k, v := range m {
				if ok, diff := checkValue(v); !ok {
					t.Errorf("key %q:\n%s", k, diff)
				}
			}
		})
	}
}

// benchValue returns the largest corpus values.yaml, or a synthetic value
// of similar shape when the corpus is absent.
func benchValue(b *testing.B) map[string]any {
	var best map[string]any
	bestLen := 0
	if _, err := os.Stat(corpusDir); err == nil {
		for _, m := range corpusValues(b) {
			data, err := json.Marshal(m)
			if err == nil && len(data) > bestLen {
				best, bestLen = m, len(data)
			}
		}
	}
	if best != nil {
		return best
	}
	return map[string]any{
		"image":     map[string]any{"repository": "nginx", "tag": "1.25", "pullPolicy": "IfNotPresent"},
		"replicas":  3.0,
		"resources": map[string]any{"limits": map[string]any{"cpu": "100m", "memory": "128Mi"}},
		"ports":     []any{map[string]any{"name": "http", "containerPort": 8080.0}},
		"enabled":   true,
	}
}

// BenchmarkMarshal compares sigs and yamlenc on a parsed values.yaml, both
// whole ("values") and as templates use toYaml, one call per top-level
// section ("sections"; one op marshals every section once).
func BenchmarkMarshal(b *testing.B) {
	whole := benchValue(b)
	sections := make([]any, 0, len(whole))
	for _, v := range whole {
		sections = append(sections, v)
	}
	impls := []struct {
		name    string
		marshal func(any) ([]byte, error)
	}{
		{"sigs", sigsyaml.Marshal},
		{"yamlenc", Marshal},
	}
	for _, impl := range impls {
		b.Run("values/"+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := impl.marshal(whole); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, impl := range impls {
		b.Run("sections/"+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, v := range sections {
					if _, err := impl.marshal(v); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
