package e2e

import (
	"os"
	"testing"

	"github.com/kpkg/kpkg/test/e2e/harness"
)

// env is the cluster every test in the package shares; TestMain sets it.
var env *harness.Env

func TestMain(m *testing.M) {
	os.Exit(harness.Main(m, &env))
}
