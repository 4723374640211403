package harness

import (
	"context"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

// Eventually polls cond every 100ms until it reports done, failing t when
// timeout passes or cond returns an error. last, if cond sets it, tells
// what was seen last, so a timeout says more than "timed out".
func Eventually(t testing.TB, timeout time.Duration, what string, cond func(ctx context.Context) (done bool, last string, err error)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	var last string
	err := wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		done, seen, err := cond(ctx)
		if seen != "" {
			last = seen
		}
		return done, err
	})
	if err != nil {
		t.Fatalf("%s: %v after %s; last seen: %s", what, err, time.Since(start).Round(time.Millisecond), last)
	}
	t.Logf("%s: took %s", what, time.Since(start).Round(time.Millisecond))
}
