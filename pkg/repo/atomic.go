package repo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// withFileLock runs fn while holding an exclusive lock on lockPath, waiting
// for other kpkg (or Helm) processes that hold it until ctx is done.
func withFileLock(ctx context.Context, lockPath string, fn func() error) error {
	if err := os.MkdirAll(filepath.Dir(lockPath), 0o755); err != nil {
		return fmt.Errorf("create directory for lock %s: %w", lockPath, err)
	}
	lock := flock.New(lockPath)
	ok, err := lock.TryLockContext(ctx, 50*time.Millisecond)
	if err != nil {
		return fmt.Errorf("lock %s: %w", lockPath, err)
	}
	if !ok {
		return fmt.Errorf("lock %s: not acquired", lockPath)
	}
	defer lock.Unlock()
	return fn()
}
