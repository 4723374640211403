package release

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/release/storage"
	"github.com/kpkg/kpkg/pkg/release/storage/kpkgv1"
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
	// PendingGrace is how long a revision another tool left pending (Helm
	// takes no lock) may be an operation still running; after it, an
	// operation marks the revision failed and proceeds. 0 means 10 minutes,
	// twice Helm's default --timeout.
	PendingGrace time.Duration
	// RecoverPending marks such revisions failed at once.
	RecoverPending bool
	// OnEvent receives readiness changes while waiting; nil discards them.
	OnEvent func(kube.Event)
	// OnStored is told where each new revision went, so the caller can
	// say when Helm will not be able to operate it; nil ignores it.
	OnStored func(rel *Release, p storage.Placement)
	// Log receives one line per step; nil discards them.
	Log func(format string, args ...any)
	// Debug receives diagnostics that are not progress, such as how many
	// requests an operation sent; nil discards them.
	Debug func(format string, args ...any)
}

// NewConfig makes a Config that keeps revisions with driver, reading
// releases that kpkg's earlier format holds until it moves them.
func NewConfig(k *kube.Client, driver storage.Driver) *Config {
	return &Config{Kube: k, Store: &Store{Driver: driver, Legacy: kpkgv1.New(k.Core())}}
}

func (c *Config) logf(format string, args ...any) {
	if c.Log != nil {
		c.Log(format, args...)
	}
}

// debugStats reports the requests sent so far and the time they waited
// for the client-side rate limiters.
func (c *Config) debugStats(op string) {
	if c.Debug == nil {
		return
	}
	st := c.Kube.Stats()
	c.Debug("%s: %d request(s) to the API server; %d waited for the client-side rate limiter, %s in all",
		op, st.Requests, st.ThrottledRequests, st.Throttled.Round(time.Millisecond))
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

// annOperation marks a revision a kpkg operation is working on; Helm drops
// annotations when it rewrites a revision, which only happens once it is
// no longer pending.
const annOperation = "kpkg.dev/operation"

// withLock runs fn holding the release's lease. Revisions in kpkg's
// earlier format move to Helm's first; revisions left pending by a holder
// that died are marked failed. fn's context ends when ctx ends (a signal)
// or the lease is lost.
func (c *Config) withLock(ctx context.Context, namespace, name, op string, fn func(context.Context) error) (err error) {
	// The lock has a client of its own: renewals must not queue behind
	// the operation's requests.
	lock, err := Acquire(ctx, c.Kube.Lock(), namespace, name, c.holder(), op, c.Lock)
	if err != nil {
		return err
	}
	defer func() {
		// Releasing may wait out a server restart, but not beyond the
		// lease's life, after which it is free anyway.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), max(cleanupTimeout, lock.opts.TTL))
		defer cancel()
		err = errors.Join(err, lock.Release(rctx))
		c.debugStats(op)
	}()
	opCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(lock.Context(), func() { cancel(context.Cause(lock.Context())) })
	defer stop()
	if lock.Takeover != nil {
		c.logf("took over the lock of release %s from %s (%s), which stopped renewing it at %s",
			name, lock.Takeover.Holder, lock.Takeover.Operation, lock.Takeover.LastRenew.Format(time.RFC3339))
	}
	if n, err := c.Store.migrate(opCtx, namespace, name); err != nil {
		return err
	} else if n > 0 {
		c.logf("moved %d revision(s) of release %s from kpkg's earlier storage to Helm's", n, name)
	}
	if err := c.recoverPending(opCtx, namespace, name, lock.Takeover); err != nil {
		return err
	}
	err = fn(opCtx)
	var said *LostLockError
	if lost := lostCause(opCtx); err != nil && lost != nil && !errors.As(err, &said) {
		// The operation saw only "context canceled": say why.
		return fmt.Errorf("%w: %w", lost, err)
	}
	return err
}

// recoverPending marks failed every revision still pending. One a kpkg
// operation wrote is dead: this process holds the lock. One another tool
// wrote is judged by its age.
func (c *Config) recoverPending(ctx context.Context, namespace, name string, t *Takeover) error {
	revs, err := c.Store.revisions(ctx, namespace, name)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, r := range revs {
		if !r.Status.IsPending() {
			continue
		}
		reason, err := c.pendingReason(r, t)
		if err != nil {
			return err
		}
		rel, err := c.readOrSummary(ctx, r)
		if err != nil {
			return fmt.Errorf("recover release %s revision %d (%s): %w", name, r.Version, r.Status, err)
		}
		c.logf("marking release %s revision %d (%s) failed: %s", name, r.Version, r.Status, reason)
		if IsDamaged(rel) {
			reason = rel.Info.Description + "; " + reason
		}
		rel.Info.Description = reason
		if err := c.setStatus(ctx, rel, StatusFailed); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) pendingReason(r revision, t *Takeover) (string, error) {
	if op := r.Annotations[annOperation]; op != "" {
		if t != nil {
			return fmt.Sprintf("interrupted: %s by %s stopped renewing the release lock at %s", t.Operation, t.Holder, t.LastRenew.UTC().Format(time.RFC3339)), nil
		}
		return fmt.Sprintf("interrupted: %s ended without finishing this revision", op), nil
	}
	grace := c.PendingGrace
	if grace <= 0 {
		grace = 10 * time.Minute
	}
	until := r.Modified.Add(grace)
	if !c.RecoverPending && time.Now().Before(until) {
		return "", &PendingError{Name: r.Name, Namespace: r.Namespace, Version: r.Version, Status: r.Status, Since: r.Modified, Until: until}
	}
	return fmt.Sprintf("interrupted: left %s by another tool since %s; marked failed by kpkg", r.Status, r.Modified.UTC().Format(time.RFC3339)), nil
}

// operationAnnotations mark a revision as being worked on by op.
func (c *Config) operationAnnotations(op string) map[string]string {
	return map[string]string{annOperation: op + " by " + c.holder()}
}

// create stores a new revision as op's work in progress and reports where
// it went.
func (c *Config) create(ctx context.Context, rel *Release, op string) error {
	p, err := c.Store.Create(ctx, rel, c.operationAnnotations(op))
	if err != nil {
		return err
	}
	if p.External {
		c.logf("release %s revision %d is %d bytes compressed, more than one object holds: stored in %d parts; Helm lists it but cannot operate it", rel.Name, rel.Version, p.Bytes, p.Parts)
	}
	if c.OnStored != nil {
		c.OnStored(rel, p)
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
		rel.Info.LastDeployed = now()
	}
	var ann map[string]string
	if status.IsPending() {
		ann = c.operationAnnotations(string(status))
	}
	// The update is unconditional, so one cut short by a restarting
	// server is sent again rather than leave the revision pending.
	return kube.RetryTransient(rctx, func() error { return c.Store.Update(rctx, rel, ann) })
}

// interruption adds to err why ctx ended, when it ended for a reason of
// its own (a signal, a lost lock) that err does not say: a request cut
// short reports only "context canceled", and the failed revision's
// description should tell what stopped it.
func interruption(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	cause := context.Cause(ctx)
	if cause == ctx.Err() || errors.Is(err, cause) || strings.Contains(err.Error(), cause.Error()) {
		return err
	}
	return fmt.Errorf("%w: %w", cause, err)
}
