package repo

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// writeFileAtomic writes data to name through a temporary file in the same
// directory and a rename, so readers see the old file or the new one, never
// a partial one.
func writeFileAtomic(name string, data []byte, perm os.FileMode) error {
	return writeStreamAtomic(name, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeStreamAtomic is writeFileAtomic for content produced by fill. When
// fill fails the temporary file is removed and name is left untouched.
func writeStreamAtomic(name string, perm os.FileMode, fill func(io.Writer) error) (err error) {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create directory for %s: %w", name, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := fill(tmp); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

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
