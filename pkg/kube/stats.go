package kube

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/flowcontrol"
)

// Stats counts what a Client asked of the API server, so the time a
// command spends can be split between the server's work and the client's
// own pacing.
type Stats struct {
	// Requests is the number of HTTP requests sent, watches included, and
	// each retry of a request counted again.
	Requests int64
	// Throttled is the time requests spent waiting for the client-side rate
	// limiters, summed over requests (so it can exceed the wall time).
	Throttled time.Duration
	// ThrottledRequests is how many requests waited for a limiter at all
	// (a millisecond or more).
	ThrottledRequests int64
}

// counters are a Client's Stats as they grow; shared by its transports
// and limiters.
type counters struct {
	requests          atomic.Int64
	throttled         atomic.Int64 // nanoseconds
	throttledRequests atomic.Int64
}

func (s *counters) snapshot() Stats {
	return Stats{Requests: s.requests.Load(), Throttled: time.Duration(s.throttled.Load()), ThrottledRequests: s.throttledRequests.Load()}
}

// Stats reports the requests sent so far; a Client made by NewForClients
// counts nothing.
func (c *Client) Stats() Stats { return c.stats.snapshot() }

// countingTransport counts requests as they go out.
type countingTransport struct {
	next  http.RoundTripper
	stats *counters
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.stats.requests.Add(1)
	return t.next.RoundTrip(req)
}

// timedLimiter measures how long requests wait for a rate limiter.
type timedLimiter struct {
	flowcontrol.RateLimiter
	stats *counters
}

func (l *timedLimiter) Accept() {
	start := time.Now()
	l.RateLimiter.Accept()
	l.record(time.Since(start))
}

func (l *timedLimiter) Wait(ctx context.Context) error {
	start := time.Now()
	err := l.RateLimiter.Wait(ctx)
	l.record(time.Since(start))
	return err
}

func (l *timedLimiter) record(d time.Duration) {
	if d >= time.Millisecond {
		l.stats.throttled.Add(int64(d))
		l.stats.throttledRequests.Add(1)
	}
}

// withOwnLimiter returns a copy of cfg with a rate limiter of its own
// (per cfg's QPS and Burst, timed into stats); client-go would otherwise
// make one per client anyway, untimed. A negative QPS means no limiter.
func withOwnLimiter(cfg *rest.Config, stats *counters) *rest.Config {
	cfg = rest.CopyConfig(cfg)
	qps, burst := cfg.QPS, cfg.Burst
	if qps == 0 {
		qps = rest.DefaultQPS
	}
	if burst == 0 {
		burst = rest.DefaultBurst
	}
	if cfg.RateLimiter != nil || qps < 0 {
		return cfg
	}
	cfg.RateLimiter = &timedLimiter{RateLimiter: flowcontrol.NewTokenBucketRateLimiter(qps, burst), stats: stats}
	return cfg
}
