package release

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kpkg/kpkg/pkg/internal/ctxsleep"
	"github.com/kpkg/kpkg/pkg/kube"
)

// LockOptions time the release lease. The zero value holds it for 30s and
// renews every 10s, so a holder that died blocks others for about 30s.
type LockOptions struct {
	TTL   time.Duration
	Renew time.Duration
	// Now is the clock; nil means time.Now. Tests skew it.
	Now func() time.Time
	// Sleep waits between observations of a lease that may be dead; nil
	// waits on a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (o LockOptions) withDefaults() LockOptions {
	if o.TTL <= 0 {
		o.TTL = 30 * time.Second
	}
	if o.Renew <= 0 || o.Renew >= o.TTL {
		o.Renew = o.TTL / 3
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = ctxsleep.Sleep
	}
	return o
}

// LockedError is returned when another live operation holds the release.
type LockedError struct {
	Release   string
	Namespace string
	Holder    string
	Operation string
	Since     time.Time
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("another operation (%s) is in progress on release %s in namespace %s: held by %s since %s; retry after it finishes (if its holder died, the lock is free about 30s after its last renewal)",
		e.Operation, e.Release, e.Namespace, e.Holder, e.Since.Format(time.RFC3339))
}

// LostLockError ends an operation whose lease another process took,
// because this one could not renew it in time.
type LostLockError struct {
	Release string
	// By is the holder that took it; "" when the lease was deleted.
	By  string
	Err error
}

func (e *LostLockError) Error() string {
	if e.By == "" {
		return fmt.Sprintf("lost the lock of release %s: %v", e.Release, e.Err)
	}
	return fmt.Sprintf("lost the lock of release %s to %s: %v", e.Release, e.By, e.Err)
}
func (e *LostLockError) Unwrap() error { return e.Err }

// Takeover describes a lease taken from a holder that stopped renewing it.
type Takeover struct {
	Holder    string
	Operation string
	LastRenew time.Time
}

// Lock is a held release lease. Its Context ends if the lease is lost.
type Lock struct {
	leases    leaseClient
	name      string
	release   string
	opts      LockOptions
	ctx       context.Context
	cancel    context.CancelCauseFunc
	mu        sync.Mutex
	lease     *coordinationv1.Lease
	stopRenew chan struct{}
	done      chan struct{}
	// Takeover is set when the lease was taken from a dead holder.
	Takeover *Takeover
}

type leaseClient interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (*coordinationv1.Lease, error)
	Create(ctx context.Context, l *coordinationv1.Lease, opts metav1.CreateOptions) (*coordinationv1.Lease, error)
	Update(ctx context.Context, l *coordinationv1.Lease, opts metav1.UpdateOptions) (*coordinationv1.Lease, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// Lease labels, for finding a release's lease.
const (
	leaseLabelOwner = "owner"
	leaseOwner      = "kpkg"
	leaseLabelName  = "name"
)

func leaseName(release string) string { return "kpkg.release." + release }

// Acquire takes the lease of a release for operation, failing at once with
// a LockedError while a live holder has it and taking it over from a dead
// one (see awaitDeath). The lease is renewed until Release.
func Acquire(ctx context.Context, core kubernetes.Interface, namespace, release, holder, operation string, opts LockOptions) (*Lock, error) {
	opts = opts.withDefaults()
	l := &Lock{leases: core.CoordinationV1().Leases(namespace), name: leaseName(release), release: release, opts: opts}
	want := l.record(holder, operation)
	got, err := l.leases.Create(ctx, want, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		got, err = l.takeOver(ctx, want, namespace)
	}
	if apierrors.IsNotFound(err) {
		return nil, &NamespaceNotFoundError{Namespace: namespace, Err: err}
	}
	if err != nil {
		return nil, err
	}
	l.lease = got
	l.ctx, l.cancel = context.WithCancelCause(context.WithoutCancel(ctx))
	l.stopRenew, l.done = make(chan struct{}), make(chan struct{})
	go l.renew()
	return l, nil
}

func (l *Lock) record(holder, operation string) *coordinationv1.Lease {
	now := metav1.NewMicroTime(l.opts.Now())
	ttl := int32(l.opts.TTL / time.Second)
	return &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: l.name, Annotations: map[string]string{annOperation: operation},
			Labels: map[string]string{leaseLabelOwner: leaseOwner, leaseLabelName: l.release}},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &ttl, AcquireTime: &now, RenewTime: &now},
	}
}

// takeOver replaces a released or dead lease with a compare-and-swap on
// its resourceVersion, so of two contenders exactly one wins.
func (l *Lock) takeOver(ctx context.Context, want *coordinationv1.Lease, namespace string) (*coordinationv1.Lease, error) {
	cur, err := l.leases.Get(ctx, l.name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("read the lock of release %s: %w", l.release, err)
	}
	if holderOf(cur) != "" {
		if cur, err = l.awaitDeath(ctx, cur, namespace); err != nil {
			return nil, err
		}
	}
	if h := holderOf(cur); h != "" {
		l.Takeover = &Takeover{Holder: h, Operation: cur.Annotations[annOperation], LastRenew: cur.Spec.RenewTime.Time}
	}
	next := cur.DeepCopy()
	next.Annotations = want.Annotations
	next.Labels = want.Labels
	next.Spec = want.Spec
	got, err := l.leases.Update(ctx, next, metav1.UpdateOptions{})
	if apierrors.IsConflict(err) {
		if again, gerr := l.leases.Get(ctx, l.name, metav1.GetOptions{}); gerr == nil {
			return nil, lockedError(again, namespace, l.release)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("take the lock of release %s: %w", l.release, err)
	}
	return got, nil
}

// awaitDeath returns the lease once its holder is judged dead, or a
// LockedError while it lives. The judgement never compares two machines'
// clocks: the API server stamps each write of the lease (managedFields
// times), and a dry-run create tells the server's time now, so the age of
// the last renewal is measured on the server's clock alone. When the server
// gives neither, the lease is watched on this process's clock until it
// changes (alive) or stays the same for the TTL (dead), as client-go's
// leader election does.
func (l *Lock) awaitDeath(ctx context.Context, cur *coordinationv1.Lease, namespace string) (*coordinationv1.Lease, error) {
	ttl := leaseTTL(cur, l.opts.TTL)
	if changed, ok := lastChange(cur); ok {
		if now, ok := l.serverNow(ctx); ok {
			if now.Sub(changed) < ttl {
				return nil, lockedError(cur, namespace, l.release)
			}
			return cur, nil
		}
	}
	return l.observe(ctx, cur, namespace, ttl)
}

// observe re-reads the lease until it changes (locked) or has stayed the
// same for ttl on this process's clock (dead). A lease whose holder claims
// a renewal within the TTL by this clock is taken as live at once, so a
// live holder is reported without waiting.
func (l *Lock) observe(ctx context.Context, cur *coordinationv1.Lease, namespace string, ttl time.Duration) (*coordinationv1.Lease, error) {
	now := l.opts.Now()
	if renewed := cur.Spec.RenewTime; renewed != nil && !renewed.Time.Before(now.Add(-ttl)) && !renewed.Time.After(now.Add(l.opts.Renew)) {
		return nil, lockedError(cur, namespace, l.release)
	}
	since := now
	step := max(l.opts.Renew/2, 10*time.Millisecond)
	for l.opts.Now().Sub(since) < ttl {
		if err := l.opts.Sleep(ctx, step); err != nil {
			return nil, err
		}
		again, err := l.leases.Get(ctx, l.name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil, lockedError(cur, namespace, l.release)
		}
		if err != nil {
			return nil, fmt.Errorf("read the lock of release %s: %w", l.release, err)
		}
		if changed(cur, again) {
			if holderOf(again) == "" {
				return again, nil // released while watched
			}
			return nil, lockedError(again, namespace, l.release)
		}
	}
	return cur, nil
}

// changed reports whether a lease was written between two reads.
func changed(a, b *coordinationv1.Lease) bool {
	return a.ResourceVersion != b.ResourceVersion || holderOf(a) != holderOf(b) ||
		!a.Spec.RenewTime.Equal(b.Spec.RenewTime)
}

// lastChange is when the API server last wrote the lease, by its clock.
func lastChange(l *coordinationv1.Lease) (time.Time, bool) {
	var t time.Time
	for _, f := range l.ManagedFields {
		if f.Time != nil && f.Time.After(t) {
			t = f.Time.Time
		}
	}
	return t, !t.IsZero()
}

// serverNow asks the API server for its time: a dry-run create is stamped
// with it and stores nothing.
func (l *Lock) serverNow(ctx context.Context) (time.Time, bool) {
	probe := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{GenerateName: "kpkg-clock-"}}
	got, err := l.leases.Create(ctx, probe, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err != nil || got.CreationTimestamp.IsZero() {
		return time.Time{}, false
	}
	return got.CreationTimestamp.Time, true
}

func holderOf(l *coordinationv1.Lease) string {
	if l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

func leaseTTL(l *coordinationv1.Lease, def time.Duration) time.Duration {
	if l.Spec.LeaseDurationSeconds != nil && *l.Spec.LeaseDurationSeconds > 0 {
		return time.Duration(*l.Spec.LeaseDurationSeconds) * time.Second
	}
	return def
}

func lockedError(l *coordinationv1.Lease, namespace, release string) *LockedError {
	e := &LockedError{Release: release, Namespace: namespace, Holder: holderOf(l), Operation: l.Annotations[annOperation]}
	if l.Spec.AcquireTime != nil {
		e.Since = l.Spec.AcquireTime.Time
	}
	return e
}

// Context is canceled, with a *LostLockError as its cause, when the lease
// is lost.
func (l *Lock) Context() context.Context { return l.ctx }

// renew renews the lease every Renew. A holder that cannot renew gives up
// TTL-Renew after its last renewal, before any contender can judge it dead
// (TTL after that renewal), so two operations never overlap.
func (l *Lock) renew() {
	defer close(l.done)
	lastRenewal := time.Now()
	deadline := l.opts.TTL - l.opts.Renew
	wait := l.opts.Renew
	for {
		t := time.NewTimer(wait)
		select {
		case <-l.stopRenew:
			t.Stop()
			return
		case <-t.C:
		}
		remaining := deadline - time.Since(lastRenewal)
		err := errors.New("no renewal in time")
		if remaining > 0 {
			err = l.renewOnce(min(l.opts.Renew, remaining))
		}
		switch {
		case err == nil:
			lastRenewal, wait = time.Now(), l.opts.Renew
		case apierrors.IsConflict(err) || apierrors.IsNotFound(err):
			l.cancel(&LostLockError{Release: l.release, By: l.currentHolder(), Err: err})
			return
		case time.Since(lastRenewal) >= deadline:
			l.cancel(&LostLockError{Release: l.release, Err: fmt.Errorf("could not renew it for %s: %w", deadline.Round(time.Second), err)})
			return
		default:
			wait = max(l.opts.Renew/4, time.Millisecond) // retry soon
		}
	}
}

// currentHolder names who holds the lease now, for the message of a lost
// lock.
func (l *Lock) currentHolder() string {
	ctx, cancel := context.WithTimeout(context.Background(), l.opts.Renew)
	defer cancel()
	cur, err := l.leases.Get(ctx, l.name, metav1.GetOptions{})
	if err != nil {
		return ""
	}
	return holderOf(cur)
}

func (l *Lock) renewOnce(timeout time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	next := l.lease.DeepCopy()
	now := metav1.NewMicroTime(l.opts.Now())
	next.Spec.RenewTime = &now
	got, err := l.leases.Update(ctx, next, metav1.UpdateOptions{})
	if err != nil {
		return err
	}
	l.lease = got
	return nil
}

// Release stops renewing and deletes the lease if this lock still holds it.
func (l *Lock) Release(ctx context.Context) error {
	close(l.stopRenew)
	<-l.done
	l.cancel(context.Canceled)
	l.mu.Lock()
	defer l.mu.Unlock()
	rv := l.lease.ResourceVersion
	opts := metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv}}
	// A server that is restarting is waited for (until ctx ends): a lease
	// left behind would block the next operation until it expires.
	err := kube.RetryTransient(ctx, func() error { return l.leases.Delete(ctx, l.name, opts) })
	if err == nil || apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return fmt.Errorf("release the lock %s: %w", l.name, err)
}

// lostCause returns the lost lock that ended ctx, if that is what ended it.
func lostCause(ctx context.Context) error {
	var lost *LostLockError
	if errors.As(context.Cause(ctx), &lost) {
		return lost
	}
	return nil
}
