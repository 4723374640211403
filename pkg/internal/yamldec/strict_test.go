package yamldec

import (
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"
)

// FuzzDecodeStrict: whatever the strict fast path accepts,
// sigs.k8s.io/yaml.UnmarshalStrict accepts too, with the same value; index
// files rely on it to refuse what Helm refuses.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range fastCases {
		f.Add(s)
	}
	f.Add("a: 1\na: 2\n")
	f.Add("a: {b: 1, b: 2}\n")
	f.Add("\"a\": 1\na: 2\n")
	f.Fuzz(func(t *testing.T, src string) {
		got, ok := DecodeStrict(src)
		if !ok {
			return
		}
		var want any
		if err := yaml.UnmarshalStrict([]byte(src), &want); err != nil {
			t.Fatalf("strict fast path accepted what UnmarshalStrict refuses (%v):\n%s", err, src)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decode differs for:\n%s\nfast: %#v\nsigs: %#v", src, got, want)
		}
	})
}

func TestDecodeStrictDeclinesDuplicates(t *testing.T) {
	for _, src := range []string{"a: 1\na: 2\n", "a: {b: 1, b: 2}\n", "'a': 1\n\"a\": 2\n", "- x: 1\n  x: 2\n"} {
		if _, ok := DecodeStrict(src); ok {
			t.Errorf("accepted %q", src)
		}
		if _, ok := Decode(src); !ok {
			t.Errorf("non-strict declined %q", src)
		}
	}
}
