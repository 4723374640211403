package harness

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// setupTimeout bounds building (cold: about ten minutes on two cores) and
// starting the cluster.
const setupTimeout = 45 * time.Minute

// Main is the body of a test package's TestMain: it sets *env up, runs the
// tests and tears the cluster down, returning the exit code.
//
//	var env *harness.Env
//	func TestMain(m *testing.M) { os.Exit(harness.Main(m, &env)) }
func Main(m *testing.M, env **Env) int {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	e, err := Setup(ctx, os.Stderr)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e setup: %v\n", err)
		return 1
	}
	*env = e
	code := m.Run()
	if err := e.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e teardown: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}
