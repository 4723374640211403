package kube

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/resource"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

// Event reports a change in one object's readiness while waiting.
type Event struct {
	Object  string
	Status  status.Status
	Message string
	Time    time.Time
}

// WaitOptions control Wait. The zero value waits five minutes, ignores
// Jobs and polls every half second.
type WaitOptions struct {
	Timeout time.Duration
	// WaitForJobs waits for Jobs to complete; otherwise Jobs are not waited on.
	WaitForJobs bool
	// Complete waits for Pods to succeed rather than to be ready, and for
	// Jobs to complete (hooks need this).
	Complete bool
	// Interval between polls; 0 means 500ms.
	Interval time.Duration
	// OnEvent receives every change of an object's status.
	OnEvent func(Event)
}

// TimeoutError lists what was not ready when the wait ran out of time.
type TimeoutError struct {
	After    time.Duration
	NotReady []string
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timed out after %s waiting for %d object(s) to become ready: %s",
		e.After, len(e.NotReady), strings.Join(e.NotReady, "; "))
}

// Wait polls objects until all are ready (kstatus Current), one fails, a
// pod of theirs is in a state it will not leave by itself, or the timeout
// passes. Readiness of workloads includes full rollout and Deployment
// minReadySeconds, since kstatus compares available with desired replicas.
func (c *Client) Wait(ctx context.Context, infos []*resource.Info, opts WaitOptions) error {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	interval := opts.Interval
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := &waiter{c: c, opts: opts, last: map[string]Event{}}
	pending := w.waitable(infos)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		var err error
		if pending, err = w.poll(ctx, pending); err != nil || len(pending) == 0 {
			return err
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return &TimeoutError{After: timeout, NotReady: w.describe(pending)}
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}

type waiter struct {
	c    *Client
	opts WaitOptions
	last map[string]Event
}

// waitable drops Jobs unless they are to be waited on, as Helm does.
func (w *waiter) waitable(infos []*resource.Info) []*resource.Info {
	var out []*resource.Info
	for _, info := range infos {
		if Kind(info) == "Job" && !w.opts.WaitForJobs && !w.opts.Complete {
			continue
		}
		out = append(out, info)
	}
	return out
}

// poll checks each pending object once and returns those still pending.
func (w *waiter) poll(ctx context.Context, pending []*resource.Info) ([]*resource.Info, error) {
	var still []*resource.Info
	for _, info := range pending {
		live, err := w.c.get(ctx, info)
		if err != nil {
			if apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) {
				return nil, err
			}
			// Anything else (a slow or restarting API server, the client's
			// rate limiter near the deadline) is retried until the timeout.
			w.report(info, &status.Result{Status: status.UnknownStatus, Message: err.Error()})
			still = append(still, info)
			continue
		}
		res := w.compute(live)
		w.report(info, res)
		if res.Status == status.FailedStatus {
			return nil, w.failure(ctx, info, live, res.Message)
		}
		if res.Status == status.CurrentStatus {
			continue
		}
		if live != nil {
			if ff, err := w.c.diagnose(ctx, info, live); err != nil || ff != nil {
				if ff != nil {
					return nil, ff
				}
				return nil, err
			}
		}
		still = append(still, info)
	}
	return still, nil
}

// compute is kstatus, tightened for Jobs and Pods when completion is asked.
func (w *waiter) compute(live *unstructured.Unstructured) *status.Result {
	if live == nil {
		return &status.Result{Status: status.NotFoundStatus, Message: "not found"}
	}
	res, err := status.Compute(live)
	if err != nil {
		return &status.Result{Status: status.UnknownStatus, Message: err.Error()}
	}
	if res.Status != status.CurrentStatus {
		return res
	}
	switch live.GetKind() {
	case "Job":
		if (w.opts.WaitForJobs || w.opts.Complete) && !hasCondition(live, "Complete") {
			return &status.Result{Status: status.InProgressStatus, Message: res.Message}
		}
	case "Pod":
		phase, _, _ := unstructured.NestedString(live.Object, "status", "phase")
		if w.opts.Complete && phase != "Succeeded" {
			return &status.Result{Status: status.InProgressStatus, Message: "Pod phase " + phase}
		}
	}
	return res
}

func (w *waiter) report(info *resource.Info, res *status.Result) {
	key := Key(info)
	prev, seen := w.last[key]
	if seen && prev.Status == res.Status && prev.Message == res.Message {
		return
	}
	ev := Event{Object: Describe(info), Status: res.Status, Message: res.Message, Time: time.Now()}
	w.last[key] = ev
	if w.opts.OnEvent != nil {
		w.opts.OnEvent(ev)
	}
}

func (w *waiter) failure(ctx context.Context, info *resource.Info, live *unstructured.Unstructured, msg string) error {
	if ff, _ := w.c.diagnose(ctx, info, live); ff != nil {
		return ff
	}
	return &FailFastError{Object: Describe(info), Reason: "Failed", Message: msg}
}

func (w *waiter) describe(pending []*resource.Info) []string {
	out := make([]string, 0, len(pending))
	for _, info := range pending {
		msg := w.last[Key(info)].Message
		out = append(out, fmt.Sprintf("%s (%s)", Describe(info), msg))
	}
	sort.Strings(out)
	return out
}

func hasCondition(u *unstructured.Unstructured, typ string) bool {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ && m["status"] == "True" {
			return true
		}
	}
	return false
}
