package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	utilnet "k8s.io/apimachinery/pkg/util/net"

	"github.com/kpkg/kpkg/pkg/internal/ctxsleep"
)

// ReconnectWindow is how long a request waits for an API server that went
// away (a restart, a load balancer moving) before its failure is
// reported. A server that never answered is reported at once: the address
// is more likely wrong than the server restarting.
const ReconnectWindow = 30 * time.Second

// Retry delays while the server is away, doubling up to the maximum.
const (
	reconnectFirstDelay = 100 * time.Millisecond
	reconnectMaxDelay   = time.Second
)

// reconnectTransport sends a request again when the connection to the
// server is refused, which means nothing of it was sent, so it is safe for
// every method. Shared state says whether the server has answered this
// Client before.
type reconnectTransport struct {
	next    http.RoundTripper
	reached *atomic.Bool
	window  time.Duration
}

func (t *reconnectTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var deadline time.Time
	delay := reconnectFirstDelay
	for {
		resp, err := t.next.RoundTrip(req)
		if err == nil {
			t.reached.Store(true)
			return resp, nil
		}
		if !t.reached.Load() || !utilnet.IsConnectionRefused(err) || req.Body != nil && req.GetBody == nil {
			return nil, err
		}
		if deadline.IsZero() {
			deadline = time.Now().Add(t.window)
		}
		if time.Now().Add(delay).After(deadline) {
			return nil, err
		}
		if cerr := ctxsleep.Sleep(req.Context(), delay); cerr != nil {
			// Say that the caller stopped waiting, not only that the
			// server was away.
			return nil, fmt.Errorf("%w (stopped waiting for the server: %w)", err, cerr)
		}
		delay = min(2*delay, reconnectMaxDelay)
		next := req.Clone(req.Context())
		if req.GetBody != nil {
			if next.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
		req = next
	}
}

// transient reports a failure that says nothing about the request itself:
// the connection broke while it was in flight, or the server was too busy
// or not ready to take it. Repeating an idempotent request (a server-side
// apply, a delete) after one is safe.
func transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	// client-go wraps a response body cut short ("unexpected error when
	// reading response body. Please retry."), which IsProbableEOF, comparing
	// with ==, does not see.
	return utilnet.IsConnectionRefused(err) || utilnet.IsConnectionReset(err) || utilnet.IsProbableEOF(err) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		utilnet.IsHTTP2ConnectionLost(err) || apierrors.IsServiceUnavailable(err) ||
		apierrors.IsTooManyRequests(err) || apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err)
}

// RetryTransient calls fn, an idempotent request (a server-side apply, a
// delete, an unconditional update), until it succeeds, fails for a reason
// other than a transient one, ctx ends, or ReconnectWindow passes since the
// first transient failure. The last error is returned.
func RetryTransient(ctx context.Context, fn func() error) error {
	var deadline time.Time
	delay := reconnectFirstDelay
	for {
		err := fn()
		if !transient(err) {
			return err
		}
		if deadline.IsZero() {
			deadline = time.Now().Add(ReconnectWindow)
		}
		if time.Now().Add(delay).After(deadline) {
			return err
		}
		if cerr := ctxsleep.Sleep(ctx, delay); cerr != nil {
			return fmt.Errorf("%w (stopped waiting for the server: %w)", err, cerr)
		}
		delay = min(2*delay, reconnectMaxDelay)
	}
}
