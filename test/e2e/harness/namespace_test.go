package harness

import (
	"regexp"
	"strings"
	"testing"
)

func TestNamespaceName(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	tests := []struct {
		testName   string
		wantPrefix string
	}{
		{"TestInstall", "e2e-testinstall-"},
		{"TestClusterIsReal/server-side_apply_conflict", "e2e-testclusterisreal-server-side-apply-conflict-"},
		{"Test__Weird//Name__", "e2e-test-weird-name-"},
		{strings.Repeat("A", 100), "e2e-" + strings.Repeat("a", 46) + "-"},
	}
	for _, tt := range tests {
		t.Run(tt.testName, func(t *testing.T) {
			got := namespaceName(tt.testName)
			if !strings.HasPrefix(got, tt.wantPrefix) {
				t.Errorf("namespaceName(%q) = %q, want prefix %q", tt.testName, got, tt.wantPrefix)
			}
			if len(got) > 63 || !valid.MatchString(got) {
				t.Errorf("namespaceName(%q) = %q is not a valid namespace name", tt.testName, got)
			}
			if again := namespaceName(tt.testName); again == got {
				t.Errorf("namespaceName(%q) returned %q twice; names must be unique", tt.testName, got)
			}
		})
	}
}
