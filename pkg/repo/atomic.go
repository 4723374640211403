package repo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// lockWait is how long to wait for another process to release the lock,
// as Helm's repo add does. Holders never wait on the network, so the wait is
// short unless a process is stuck.
const lockWait = 30 * time.Second

// withFileLock runs fn while holding an exclusive lock on lockPath, waiting
// for other kpkg (or Helm) processes that hold it for up to lockWait. fn must
// not wait on the network.
func withFileLock(ctx context.Context, lockPath string, fn func() error) error {
	if err := os.MkdirAll(filepath.Dir(lockPath), 0o755); err != nil {
		return fmt.Errorf("create directory for lock %s: %w", lockPath, err)
	}
	lock := flock.New(lockPath)
	waitCtx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	ok, err := lock.TryLockContext(waitCtx, 50*time.Millisecond)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("lock %s: another process has held it for more than %s", lockPath, lockWait)
	}
	if err != nil {
		return fmt.Errorf("lock %s: %w", lockPath, err)
	}
	if !ok {
		return fmt.Errorf("lock %s: not acquired", lockPath)
	}
	defer lock.Unlock()
	return fn()
}
