package release

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestInterruption(t *testing.T) {
	signal := errors.New("interrupt signal received")
	byCause, cancel := context.WithCancelCause(context.Background())
	cancel(signal)
	plain, cancelPlain := context.WithCancel(context.Background())
	cancelPlain()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want string
	}{
		{"a bare cancellation says what stopped it", byCause, fmt.Errorf("apply ConfigMap a: %w", context.Canceled),
			"interrupt signal received: apply ConfigMap a: context canceled"},
		{"an error that says it already", byCause, fmt.Errorf("stopped waiting: %w", signal), "stopped waiting: interrupt signal received"},
		{"a context without a cause", plain, context.Canceled, "context canceled"},
		{"a context still running", context.Background(), errors.New("invalid object"), "invalid object"},
	}
	for _, tt := range tests {
		if got := interruption(tt.ctx, tt.err); got.Error() != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
