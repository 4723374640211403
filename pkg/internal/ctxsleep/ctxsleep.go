// Package ctxsleep waits for a duration or until a context ends, whichever
// comes first: the pause between retries of the cluster client, the lease
// and the watches.
package ctxsleep

import (
	"context"
	"time"
)

// Sleep waits d; it returns ctx's error when the context ended first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
