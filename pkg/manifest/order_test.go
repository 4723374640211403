package manifest

import (
	"slices"
	"testing"
)

func TestKindLess(t *testing.T) {
	kinds := []string{"Zebra", "Deployment", "Alpha", "Namespace", "Service", "CustomResourceDefinition"}
	slices.SortStableFunc(kinds, func(a, b string) int {
		switch {
		case KindLess(a, b):
			return -1
		case KindLess(b, a):
			return 1
		}
		return 0
	})
	want := []string{"Namespace", "CustomResourceDefinition", "Service", "Deployment", "Alpha", "Zebra"}
	if !slices.Equal(kinds, want) {
		t.Errorf("order = %v, want %v", kinds, want)
	}
	if UninstallOrder[0] != InstallOrder[len(InstallOrder)-1] || UninstallOrder[len(UninstallOrder)-1] != InstallOrder[0] {
		t.Errorf("UninstallOrder is not InstallOrder reversed")
	}
}

func TestID(t *testing.T) {
	tests := []struct {
		apiVersion, kind, ns, name string
		want                       string
	}{
		{"v1", "ConfigMap", "ns", "a", "/ConfigMap/ns/a"},
		{"apps/v1", "Deployment", "ns", "web", "apps/Deployment/ns/web"},
		{"apiextensions.k8s.io/v1", "CustomResourceDefinition", "", "x.example.com", "apiextensions.k8s.io/CustomResourceDefinition//x.example.com"},
	}
	for _, tt := range tests {
		if got := NewID(tt.apiVersion, tt.kind, tt.ns, tt.name).String(); got != tt.want {
			t.Errorf("NewID(%q, %q, %q, %q) = %q, want %q", tt.apiVersion, tt.kind, tt.ns, tt.name, got, tt.want)
		}
	}
}
