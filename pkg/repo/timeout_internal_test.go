package repo

import (
	"testing"
	"time"
)

// TestDefaultTimeout: a zero Auth.Timeout still bounds every request, at
// Helm's 120 s.
func TestDefaultTimeout(t *testing.T) {
	for _, tc := range []struct {
		set, want time.Duration
	}{{0, 120 * time.Second}, {-1, DefaultTimeout}, {3 * time.Second, 3 * time.Second}} {
		c, err := Auth{Timeout: tc.set}.httpClient()
		if err != nil {
			t.Fatal(err)
		}
		if c.Timeout != tc.want {
			t.Errorf("Timeout %s: client waits %s, want %s", tc.set, c.Timeout, tc.want)
		}
	}
}
