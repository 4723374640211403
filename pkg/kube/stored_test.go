package kube

import (
	"reflect"
	"testing"
)

func TestSplitManifest(t *testing.T) {
	tests := []struct {
		name, manifest string
		want           []string
	}{
		{"empty", "", nil},
		{"one", "a: 1\n", []string{"a: 1\n"}},
		{"separators and blanks", "---\na: 1\n---\n\n---\nb: 2\n", []string{"a: 1\n", "b: 2\n"}},
		{"source comments stay with their document", "---\n# Source: x.yaml\na: 1\n", []string{"# Source: x.yaml\na: 1\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitManifest(tt.manifest)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
