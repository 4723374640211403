package release

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// fastLock times the lease in milliseconds; skew shifts this process's
// clock.
func fastLock(skew time.Duration) LockOptions {
	return LockOptions{TTL: 400 * time.Millisecond, Renew: 40 * time.Millisecond,
		Now: func() time.Time { return time.Now().Add(skew) }}
}

func TestLockIsExclusiveAndReleased(t *testing.T) {
	ctx := context.Background()
	core := fake.NewClientset()
	a, err := Acquire(ctx, core, "ns", "web", "a", "upgrade", fastLock(0))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Acquire(ctx, core, "ns", "web", "b", "rollback", fastLock(0))
	var locked *LockedError
	if !errors.As(err, &locked) || locked.Holder != "a" || locked.Operation != "upgrade" {
		t.Fatalf("second Acquire = %v, want a LockedError naming a's upgrade", err)
	}
	if time.Since(start) > 100*time.Millisecond {
		t.Errorf("a live holder was reported after %s, not at once", time.Since(start))
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := Acquire(ctx, core, "ns", "web", "b", "rollback", fastLock(0))
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	if b.Takeover != nil {
		t.Errorf("a released lock was reported as taken over: %+v", b.Takeover)
	}
	_ = b.Release(ctx)
}

// A contender whose clock is a minute ahead of the holder's (or a holder a
// minute behind) sees renewals that look stale; it must still find the
// holder alive and not take the lease.
func TestSkewedClockDoesNotTakeALiveLease(t *testing.T) {
	ctx := context.Background()
	core := fake.NewClientset()
	holder, err := Acquire(ctx, core, "ns", "web", "holder", "upgrade", fastLock(0))
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Release(ctx)
	for _, skew := range []time.Duration{time.Minute, -time.Minute} {
		_, err := Acquire(ctx, core, "ns", "web", "skewed", "upgrade", fastLock(skew))
		var locked *LockedError
		if !errors.As(err, &locked) || locked.Holder != "holder" {
			t.Errorf("contender %s off took or misjudged a live lease: %v", skew, err)
		}
		if holder.Context().Err() != nil {
			t.Fatalf("the holder lost its lease to a contender %s off", skew)
		}
	}
}

// A dead holder whose clock ran a minute ahead left renewals in the
// future; the lease is still taken over once it stops changing.
func TestDeadHolderWithSkewedClockIsTakenOver(t *testing.T) {
	ctx := context.Background()
	core := fake.NewClientset()
	dead, err := Acquire(ctx, core, "ns", "web", "dead", "upgrade", fastLock(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	close(dead.stopRenew) // it dies: no more renewals, no release
	<-dead.done
	start := time.Now()
	next, err := Acquire(ctx, core, "ns", "web", "next", "upgrade", fastLock(0))
	if err != nil {
		t.Fatalf("Acquire from a dead holder: %v", err)
	}
	if next.Takeover == nil || next.Takeover.Holder != "dead" {
		t.Errorf("takeover not reported: %+v", next.Takeover)
	}
	if took := time.Since(start); took < 400*time.Millisecond || took > 2*time.Second {
		t.Errorf("took over after %s; want the TTL of observation", took)
	}
	_ = next.Release(ctx)
}

// With the API server's clock available (managedFields times, a dry-run
// create's timestamp), no local clock enters the judgement.
func TestServerClockJudgesTheLease(t *testing.T) {
	ctx := context.Background()
	server := time.Now().Add(3 * time.Hour) // the server's clock, far from ours
	tests := []struct {
		name     string
		lastSeen time.Time
		dead     bool
	}{
		{"renewed 5s ago by the server's clock", server.Add(-5 * time.Second), false},
		{"renewed 31s ago by the server's clock", server.Add(-31 * time.Second), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core := fake.NewClientset(leaseAt("other", tt.lastSeen))
			core.PrependReactor("create", "leases", func(a k8stesting.Action) (bool, runtime.Object, error) {
				c := a.(k8stesting.CreateAction)
				if !isDryRun(c) {
					return false, nil, nil
				}
				l := c.GetObject().(*coordinationv1.Lease).DeepCopy()
				l.CreationTimestamp = metav1.NewTime(server)
				return true, l, nil
			})
			l, err := Acquire(ctx, core, "ns", "web", "me", "upgrade", LockOptions{Sleep: func(context.Context, time.Duration) error {
				t.Fatal("the server's clock was available; nothing should be watched")
				return nil
			}})
			if tt.dead {
				if err != nil || l.Takeover == nil {
					t.Fatalf("Acquire = %v, want a takeover", err)
				}
				_ = l.Release(ctx)
			} else if !errors.As(err, new(*LockedError)) {
				t.Fatalf("Acquire = %v, want a LockedError", err)
			}
		})
	}
}

func isDryRun(c k8stesting.CreateAction) bool {
	if ca, ok := c.(k8stesting.CreateActionImpl); ok {
		return len(ca.CreateOptions.DryRun) > 0
	}
	return false
}

func leaseAt(holder string, lastWrite time.Time) *coordinationv1.Lease {
	ttl := int32(30)
	renewed := metav1.NewMicroTime(lastWrite)
	return &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: leaseName("web"), Namespace: "ns", ResourceVersion: "7",
			Annotations: map[string]string{annOperation: "upgrade"},
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kpkg", Operation: metav1.ManagedFieldsOperationUpdate,
				Time: &metav1.Time{Time: lastWrite}}}},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &ttl, AcquireTime: &renewed, RenewTime: &renewed},
	}
}

// A holder whose renewals fail with a conflict lost the lease: its context
// ends with a LostLockError naming who holds it now.
func TestLostLockSaysToWhom(t *testing.T) {
	ctx := context.Background()
	core := fake.NewClientset()
	l, err := Acquire(ctx, core, "ns", "web", "me", "upgrade", fastLock(0))
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	core.PrependReactor("update", "leases", func(k8stesting.Action) (bool, runtime.Object, error) {
		once.Do(func() {
			cur, _ := core.Tracker().Get(schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}, "ns", leaseName("web"))
			other := cur.(*coordinationv1.Lease).DeepCopy()
			thief := "thief"
			other.Spec.HolderIdentity = &thief
			_ = core.Tracker().Update(schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}, other, "ns")
		})
		return true, nil, apierrors.NewConflict(schema.GroupResource{Resource: "leases"}, leaseName("web"), errors.New("changed"))
	})
	select {
	case <-l.Context().Done():
	case <-time.After(2 * time.Second):
		t.Fatal("the lock was not lost")
	}
	var lost *LostLockError
	if !errors.As(context.Cause(l.Context()), &lost) || lost.By != "thief" || !strings.Contains(lost.Error(), "lost the lock of release web to thief") {
		t.Errorf("cause = %v", context.Cause(l.Context()))
	}
	_ = l.Release(ctx)
}

// Release waits for a server that refuses the delete for a while (a
// restart): a lease left behind would hold the next operation off until
// it expires.
func TestReleaseOutlastsAnUnavailableServer(t *testing.T) {
	ctx := context.Background()
	core := fake.NewClientset()
	l, err := Acquire(ctx, core, "ns", "web", "a", "upgrade", fastLock(0))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	refusals := 3
	core.PrependReactor("delete", "leases", func(k8stesting.Action) (bool, runtime.Object, error) {
		mu.Lock()
		defer mu.Unlock()
		if refusals == 0 {
			return false, nil, nil
		}
		refusals--
		return true, nil, apierrors.NewServiceUnavailable("the API server is restarting")
	})
	if err := l.Release(ctx); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if _, err := core.CoordinationV1().Leases("ns").Get(ctx, leaseName("web"), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the lease is still there after Release (get: %v)", err)
	}
	// A failure that is not the server's unavailability is reported.
	l, err = Acquire(ctx, core, "ns", "web", "a", "upgrade", fastLock(0))
	if err != nil {
		t.Fatal(err)
	}
	core.PrependReactor("delete", "leases", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "leases"}, "x", errors.New("no"))
	})
	if err := l.Release(ctx); err == nil || !strings.Contains(err.Error(), "forbidden") {
		t.Errorf("Release with a forbidden delete = %v", err)
	}
}
