package release

import (
	"context"
	"fmt"
	"time"

	"github.com/kpkg/kpkg/pkg/render"
)

// TestOptions are test's flags.
type TestOptions struct {
	Timeout time.Duration
}

// Test runs the test hooks of a release's newest revision and returns the
// revision with each test's last run.
func Test(ctx context.Context, c *Config, namespace, name string, o TestOptions) (*Release, error) {
	rel, err := c.lastRelease(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	if err := c.runHooks(ctx, rel, render.HookTest, timeout); err != nil {
		return rel, fmt.Errorf("release %s: %w", name, err)
	}
	return rel, nil
}
