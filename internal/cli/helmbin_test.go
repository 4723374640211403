package cli_test

import (
	"os"
	"strings"
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

// compareWithHelm runs args with both tools and compares stdout and
// whether they failed.
func compareWithHelm(t *testing.T, helm string, args ...string) {
	t.Helper()
	want, helmErr, helmCode := runHelmCode(t, helm, args...)
	got, kpkgErr, kpkgCode := runIn(t, "", args...)
	if got != want || (helmCode == 0) != (kpkgCode == 0) {
		t.Errorf("%s:\nkpkg (exit %d):\n%s%s\nhelm (exit %d):\n%s%s", strings.Join(args, " "), kpkgCode, got, kpkgErr, helmCode, want, helmErr)
	}
}
