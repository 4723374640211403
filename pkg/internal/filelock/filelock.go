// Package filelock holds the lock files kpkg shares with Helm (the
// repository configuration's repositories.lock): an exclusive flock,
// waited for a bounded time so a stuck holder is reported, not waited on
// forever.
package filelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// Wait is how long With waits for another process to release the lock, as
// Helm's repo add does. Holders never wait on the network, so the wait is
// short unless a process is stuck.
const Wait = 30 * time.Second

// With runs fn holding an exclusive lock on path, waiting up to Wait for
// other kpkg (or Helm) processes that hold it. fn must not wait on the
// network.
func With(ctx context.Context, path string, fn func() error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create directory for lock %s: %w", path, err)
	}
	lock := flock.New(path)
	waitCtx, cancel := context.WithTimeout(ctx, Wait)
	defer cancel()
	ok, err := lock.TryLockContext(waitCtx, 50*time.Millisecond)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("lock %s: another process has held it for more than %s", path, Wait)
	}
	if err != nil {
		return fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		return fmt.Errorf("lock %s: not acquired", path)
	}
	defer lock.Unlock()
	return fn()
}
