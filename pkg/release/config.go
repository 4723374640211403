package release

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/kpkg/kpkg/pkg/kube"
)

// Config is what every operation needs: the cluster, the store, the lock
// timing and where progress goes.
type Config struct {
	Kube  *kube.Client
	Store *Store
	// Holder identifies this process in the release lock; "" means
	// "user@host pid N".
	Holder string
	Lock   LockOptions
	// OnEvent receives readiness changes while waiting; nil discards them.
	OnEvent func(kube.Event)
	// Log receives one line per step; nil discards them.
	Log func(format string, args ...any)
}

// NewConfig makes a Config for a cluster client.
func NewConfig(k *kube.Client) *Config {
	return &Config{Kube: k, Store: NewStore(k.Core(), k.Metadata())}
}

func (c *Config) logf(format string, args ...any) {
	if c.Log != nil {
		c.Log(format, args...)
	}
}

func (c *Config) holder() string {
	if c.Holder != "" {
		return c.Holder
	}
	host, _ := os.Hostname()
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return fmt.Sprintf("%s@%s pid %d", name, host, os.Getpid())
}

// cleanupTimeout bounds the bookkeeping done after an operation failed or
// was interrupted, when the operation's own context may be gone.
const cleanupTimeout = 15 * time.Second

// withLock runs fn holding the release's lease. Revisions left pending by a
// holder that died are marked failed first. fn's context ends when ctx ends
// (a signal) or the lease is lost.
func (c *Config) withLock(ctx context.Context, namespace, name, op string, fn func(context.Context) error) (err error) {
	lock, err := Acquire(ctx, c.Kube.Core(), namespace, name, c.holder(), op, c.Lock)
	if err != nil {
		return err
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		err = errors.Join(err, lock.Release(rctx))
	}()
	opCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(lock.Context(), func() { cancel(context.Cause(lock.Context())) })
	defer stop()
	if lock.Takeover != nil {
		c.logf("took over the lock of release %s from %s (%s), which stopped renewing it at %s",
			name, lock.Takeover.Holder, lock.Takeover.Operation, lock.Takeover.LastRenew.Format(time.RFC3339))
	}
	if err := c.recoverPending(opCtx, namespace, name, lock.Takeover); err != nil {
		return err
	}
	return fn(opCtx)
}

// recoverPending marks failed every revision still pending: holding the
// lock, no operation can be working on it any more.
func (c *Config) recoverPending(ctx context.Context, namespace, name string, t *Takeover) error {
	hist, err := c.Store.History(ctx, namespace, name)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	reason := "interrupted: the operation that started this revision ended without finishing it"
	if t != nil {
		reason = fmt.Sprintf("interrupted: %s by %s stopped renewing the release lock at %s", t.Operation, t.Holder, t.LastRenew.UTC().Format(time.RFC3339))
	}
	for _, r := range hist {
		if !r.Info.Status.IsPending() {
			continue
		}
		c.logf("marking release %s revision %d (%s) failed: %s", name, r.Version, r.Info.Status, reason)
		r.Info.Status, r.Info.Description = StatusFailed, reason
		if err := c.Store.Update(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// finish records rel's final Info even when ctx is gone (a signal), so no
// revision is left pending by an orderly exit.
func (c *Config) finish(ctx context.Context, rel *Release, status Status, desc string) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	rel.Info.Status, rel.Info.Description = status, desc
	if status == StatusDeployed || status == StatusFailed {
		rel.Info.LastDeployed = time.Now().UTC()
	}
	return c.Store.Update(rctx, rel)
}
