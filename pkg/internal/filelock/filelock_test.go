package filelock

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func TestWith(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "repositories.lock")
	ran := false
	if err := With(context.Background(), path, func() error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("With = %v, ran %v", err, ran)
	}
	boom := errors.New("boom")
	if err := With(context.Background(), path, func() error { return boom }); !errors.Is(err, boom) {
		t.Errorf("With passed back %v, want fn's error", err)
	}
	// Held by this process's other lock: a cancelled wait says so.
	err := With(context.Background(), path, func() error {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return With(ctx, path, func() error { t.Error("locked twice"); return nil })
	})
	if err == nil {
		t.Error("a second holder got the lock")
	}
}
