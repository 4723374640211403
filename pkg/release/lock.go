package release

import (
	"context"
	"fmt"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// LockOptions time the release lease. The zero value holds it for 30s and
// renews every 10s, so a holder that died blocks others for at most 30s.
type LockOptions struct {
	TTL   time.Duration
	Renew time.Duration
}

func (o LockOptions) withDefaults() LockOptions {
	if o.TTL <= 0 {
		o.TTL = 30 * time.Second
	}
	if o.Renew <= 0 || o.Renew >= o.TTL {
		o.Renew = o.TTL / 3
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
	Expires   time.Time
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("another operation (%s) is in progress on release %s in namespace %s: held by %s since %s; retry after it finishes (the lock expires at %s if its holder dies)",
		e.Operation, e.Release, e.Namespace, e.Holder, e.Since.Format(time.RFC3339), e.Expires.Format(time.RFC3339))
}

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

// Acquire takes the lease of a release for operation, failing at once with a
// LockedError when a live holder has it, and taking it over when its holder
// stopped renewing. The lease is renewed until Release.
func Acquire(ctx context.Context, core kubernetes.Interface, namespace, release, holder, operation string, opts LockOptions) (*Lock, error) {
	opts = opts.withDefaults()
	l := &Lock{leases: core.CoordinationV1().Leases(namespace), name: leaseName(release), opts: opts}
	now := metav1.NewMicroTime(time.Now())
	ttl := int32(opts.TTL / time.Second)
	want := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: l.name, Annotations: map[string]string{annOperation: operation},
			Labels: map[string]string{leaseLabelOwner: leaseOwner, leaseLabelName: release}},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &ttl, AcquireTime: &now, RenewTime: &now},
	}
	got, err := l.leases.Create(ctx, want, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		got, err = l.takeOver(ctx, want, namespace, release)
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

// takeOver replaces an expired or released lease with a compare-and-swap on
// its resourceVersion, so of two contenders exactly one wins.
func (l *Lock) takeOver(ctx context.Context, want *coordinationv1.Lease, namespace, release string) (*coordinationv1.Lease, error) {
	cur, err := l.leases.Get(ctx, l.name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("read the lock of release %s: %w", release, err)
	}
	holder, expires := leaseHolder(cur)
	if holder != "" && time.Now().Before(expires) {
		return nil, lockedError(cur, namespace, release)
	}
	if holder != "" {
		l.Takeover = &Takeover{Holder: holder, Operation: cur.Annotations[annOperation], LastRenew: cur.Spec.RenewTime.Time}
	}
	next := cur.DeepCopy()
	next.Annotations = want.Annotations
	next.Labels = want.Labels
	next.Spec = want.Spec
	got, err := l.leases.Update(ctx, next, metav1.UpdateOptions{})
	if apierrors.IsConflict(err) {
		if again, gerr := l.leases.Get(ctx, l.name, metav1.GetOptions{}); gerr == nil {
			return nil, lockedError(again, namespace, release)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("take the lock of release %s: %w", release, err)
	}
	return got, nil
}

func leaseHolder(l *coordinationv1.Lease) (string, time.Time) {
	if l.Spec.HolderIdentity == nil || *l.Spec.HolderIdentity == "" || l.Spec.RenewTime == nil {
		return "", time.Time{}
	}
	ttl := 30 * time.Second
	if l.Spec.LeaseDurationSeconds != nil {
		ttl = time.Duration(*l.Spec.LeaseDurationSeconds) * time.Second
	}
	return *l.Spec.HolderIdentity, l.Spec.RenewTime.Add(ttl)
}

func lockedError(l *coordinationv1.Lease, namespace, release string) *LockedError {
	holder, expires := leaseHolder(l)
	e := &LockedError{Release: release, Namespace: namespace, Holder: holder, Operation: l.Annotations[annOperation], Expires: expires}
	if l.Spec.AcquireTime != nil {
		e.Since = l.Spec.AcquireTime.Time
	}
	return e
}

// Context is canceled when the lease is lost (another process took it
// because renewals failed for longer than its TTL).
func (l *Lock) Context() context.Context { return l.ctx }

func (l *Lock) renew() {
	defer close(l.done)
	tick := time.NewTicker(l.opts.Renew)
	defer tick.Stop()
	failingSince := time.Time{}
	for {
		select {
		case <-l.stopRenew:
			return
		case <-tick.C:
		}
		err := l.renewOnce()
		switch {
		case err == nil:
			failingSince = time.Time{}
		case apierrors.IsConflict(err) || apierrors.IsNotFound(err):
			l.cancel(fmt.Errorf("lost the release lock: %w", err))
			return
		case failingSince.IsZero():
			failingSince = time.Now()
		case time.Since(failingSince) > l.opts.TTL:
			l.cancel(fmt.Errorf("could not renew the release lock for %s: %w", l.opts.TTL, err))
			return
		}
	}
}

func (l *Lock) renewOnce() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), l.opts.Renew)
	defer cancel()
	next := l.lease.DeepCopy()
	now := metav1.NewMicroTime(time.Now())
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
	err := l.leases.Delete(ctx, l.name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("release the lock %s: %w", l.name, err)
	}
	return nil
}
