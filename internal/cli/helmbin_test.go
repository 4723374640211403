package cli_test

import (
	"os"
	"testing"
)

// helmBinary is the real Helm v3.22.0 binary named by KPKG_TEST_HELM3
// (`make test` builds it), which side-by-side tests run beside kpkg.
func helmBinary(t *testing.T) string {
	t.Helper()
	p := os.Getenv("KPKG_TEST_HELM3")
	if p == "" {
		t.Skip("KPKG_TEST_HELM3 is not set: point it at a Helm v3.22.0 binary to compare with Helm")
	}
	return p
}
