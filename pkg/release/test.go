package release

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kpkg/kpkg/pkg/render"
)

// TestOptions are test's flags.
type TestOptions struct {
	Timeout time.Duration
	// Include, when not empty, runs only the tests of these names; Exclude
	// skips tests of these names.
	Include, Exclude []string
}

// Test runs the test hooks of a release's newest revision and stores each
// test's last run with the revision, where status shows it. It returns the
// revision even when a test fails.
func Test(ctx context.Context, c *Config, namespace, name string, o TestOptions) (*Release, error) {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	var rel *Release
	err := c.withLock(ctx, namespace, name, "test", func(ctx context.Context) error {
		var err error
		if rel, err = c.lastRelease(ctx, namespace, name); err != nil {
			return err
		}
		runErr := c.runHookList(ctx, rel, render.HookTest, o.selected(hooksFor(rel, render.HookTest)), timeout)
		if runErr != nil {
			runErr = fmt.Errorf("release %s: %w", name, runErr)
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		if err := c.Store.Update(rctx, rel, nil); err != nil {
			return errors.Join(runErr, fmt.Errorf("store the test results of release %s: %w", name, err))
		}
		return runErr
	})
	return rel, err
}

// selected applies Exclude, then Include, as Helm's --filter does.
func (o TestOptions) selected(hooks []*Hook) []*Hook {
	return slices.DeleteFunc(hooks, func(h *Hook) bool {
		return slices.Contains(o.Exclude, h.Name) || len(o.Include) > 0 && !slices.Contains(o.Include, h.Name)
	})
}
