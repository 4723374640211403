package kube

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
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

// WaitOptions control Wait. The zero value waits five minutes and ignores
// Jobs.
type WaitOptions struct {
	// Timeout bounds the wait; 0 means five minutes.
	Timeout time.Duration
	// WaitForJobs waits for Jobs to complete; otherwise Jobs are not waited on.
	WaitForJobs bool
	// Complete waits for Pods to succeed rather than to be ready, and for
	// Jobs to complete (hooks need this).
	Complete bool
	// Interval is how often conditions that change without an event (a
	// pod unschedulable for long enough to give up) are looked at again;
	// 0 means two seconds. Object changes are seen as they happen.
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

// podOwners are the kinds whose readiness depends on pods they select,
// and whose pods are therefore watched for states they will not leave.
// Objects of other kinds that carry a pod selector count too.
var podOwners = map[string]bool{"Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true, "Job": true}

// followsPods reports whether info's pods are watched, and returns the
// selector its manifest gives them (nil when unknown until the server
// sets it, as for Jobs).
func followsPods(info *resource.Info) (bool, labels.Selector) {
	u, _ := info.Object.(*unstructured.Unstructured)
	var sel labels.Selector
	if u != nil {
		sel = selectorOf(u)
	}
	return podOwners[Kind(info)] || sel != nil, sel
}

// Wait watches objects until all are ready (kstatus Current), one fails, a
// pod of theirs is in a state it will not leave by itself, or the timeout
// passes. Readiness of workloads includes full rollout and Deployment
// minReadySeconds, since kstatus compares available with desired replicas.
//
// Each kind and namespace is listed once and then watched, and so are the
// pods of the namespaces holding workloads; a watch that drops (an API
// server restart) is re-established.
func (c *Client) Wait(ctx context.Context, infos []*resource.Info, opts WaitOptions) error {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	interval := opts.Interval
	if interval <= 0 {
		interval = 2 * time.Second
	}
	w := newWaiter(c, opts, infos)
	if len(w.pending) == 0 {
		return nil
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	changes, stop := observe(tctx, w.sources())
	defer stop()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for len(w.pending) > 0 {
		var err error
		select {
		case <-tctx.Done():
			if errors.Is(tctx.Err(), context.DeadlineExceeded) {
				return &TimeoutError{After: timeout, NotReady: w.describePending()}
			}
			return fmt.Errorf("stopped waiting for %d object(s): %w", len(w.pending), context.Cause(ctx))
		case ch := <-changes:
			err = w.apply(tctx, ch)
		case <-tick.C:
			err = w.rediagnose(tctx, "")
		}
		if err != nil {
			if tctx.Err() != nil && isContextError(err) {
				continue // reported by the Done case
			}
			return err
		}
	}
	return nil
}

// waiter is the state of one Wait; only Wait's goroutine touches it.
type waiter struct {
	c    *Client
	opts WaitOptions
	// diag diagnoses from the followed pods only; failed diagnoses an
	// object that failed, reading pods not yet followed from the server.
	diag, failed *diagnoser
	last         map[string]Event
	// groups are the objects by kind and namespace; sources 0..len(groups)-1
	// follow them, the rest follow the pods of podNamespaces.
	groups        []*resourceGroup
	podNamespaces []string
	// live is the last state seen of each object, by Key; nil when absent.
	live    map[string]*unstructured.Unstructured
	pending map[string]*resource.Info
	// pods holds the pods of each followed namespace, by name; a namespace
	// whose pods cannot be followed has no entry and is not diagnosed.
	// podsListed holds the namespaces whose pods were listed.
	pods       map[string]map[string]*corev1.Pod
	podsListed map[string]bool
}

func newWaiter(c *Client, opts WaitOptions, infos []*resource.Info) *waiter {
	w := &waiter{c: c, opts: opts, last: map[string]Event{}, live: map[string]*unstructured.Unstructured{},
		pending: map[string]*resource.Info{}, pods: map[string]map[string]*corev1.Pod{}, podsListed: map[string]bool{}}
	w.diag = newDiagnoser(c, w.cachedPods)
	w.failed = &diagnoser{c: c, pods: w.cachedOrListedPods, owners: w.diag.owners}
	var waitable []*resource.Info
	for _, info := range infos {
		// Jobs are waited on only when asked, as Helm does.
		if Kind(info) == "Job" && !opts.WaitForJobs && !opts.Complete {
			continue
		}
		if _, dup := w.pending[Key(info)]; !dup {
			w.pending[Key(info)] = info
			waitable = append(waitable, info)
		}
	}
	w.groups = groupByResource(waitable)
	return w
}

// sources follows each group, and the pods of each namespace holding a
// workload: only its pods' when there is one, all when there are several.
func (w *waiter) sources() []*source {
	var out []*source
	selectors := map[string][]labels.Selector{}
	for _, g := range w.groups {
		out = append(out, w.c.objectSource(g))
		for _, info := range g.infos {
			if follows, sel := followsPods(info); follows {
				if _, seen := selectors[info.Namespace]; !seen {
					w.podNamespaces = append(w.podNamespaces, info.Namespace)
				}
				selectors[info.Namespace] = append(selectors[info.Namespace], sel)
			}
		}
	}
	for _, ns := range w.podNamespaces {
		sel := ""
		if s := selectors[ns]; len(s) == 1 && s[0] != nil {
			sel = s[0].String()
		}
		w.pods[ns] = map[string]*corev1.Pod{}
		out = append(out, w.c.podSource(ns, sel))
	}
	return out
}

// apply takes in one change and judges the objects it concerns.
func (w *waiter) apply(ctx context.Context, ch change) error {
	if ch.src >= len(w.groups) {
		return w.applyPods(ctx, w.podNamespaces[ch.src-len(w.groups)], ch)
	}
	g := w.groups[ch.src]
	switch {
	case ch.fatal:
		return ch.err
	case ch.err != nil:
		// Listing failed and will be retried; say why meanwhile.
		for _, info := range g.infos {
			if w.pending[Key(info)] != nil {
				w.report(info, &status.Result{Status: status.UnknownStatus, Message: ch.err.Error()})
			}
		}
		return nil
	}
	return eachObserved(g, ch, func(info *resource.Info, live runtime.Object) error {
		w.live[Key(info)] = asUnstructured(live)
		return w.judge(ctx, info)
	})
}

// judge computes a pending object's status, reports it, and fails the
// wait when the object failed or will not become ready.
func (w *waiter) judge(ctx context.Context, info *resource.Info) error {
	key := Key(info)
	if w.pending[key] == nil {
		return nil
	}
	live := w.live[key]
	res := w.compute(live)
	w.report(info, res)
	switch {
	case res.Status == status.FailedStatus:
		return w.failure(ctx, info, live, res.Message)
	case res.Status == status.CurrentStatus:
		delete(w.pending, key)
		return nil
	case live == nil:
		return nil
	}
	// Pods are diagnosed from the followed pods; an object whose pods are
	// not followed is a Pod itself, or has none.
	if follows, _ := followsPods(info); !follows && live.GetKind() != "Pod" {
		return nil
	}
	ff, err := w.diag.diagnose(ctx, info, live)
	if ff != nil {
		return ff
	}
	return err
}

// applyPods updates a namespace's pods and, when one of them is stuck,
// looks at the pending workloads of the namespace again.
func (w *waiter) applyPods(ctx context.Context, ns string, ch change) error {
	pods := w.pods[ns]
	switch {
	case ch.fatal:
		// Without pods the wait goes on; it only cannot fail early.
		delete(w.pods, ns)
		delete(w.podsListed, ns)
		return nil
	case ch.err != nil || pods == nil:
		return nil
	case ch.relisted:
		w.podsListed[ns] = true
		clear(pods)
		for _, o := range ch.objs {
			if p := asPod(o); p != nil {
				pods[p.Name] = p
			}
		}
		return w.rediagnose(ctx, ns)
	}
	p := asPod(ch.obj)
	if p == nil {
		return nil
	}
	if ch.event == watch.Deleted {
		delete(pods, p.Name)
		return nil
	}
	pods[p.Name] = p
	if stuckPod(p) == nil {
		return nil
	}
	return w.rediagnose(ctx, ns)
}

// rediagnose looks at the pending workloads of namespace ns ("" for all)
// again; pod states that end the wait may arise without any event (a pod
// unschedulable long enough).
func (w *waiter) rediagnose(ctx context.Context, ns string) error {
	for _, info := range w.sortedPending() {
		if ns != "" && info.Namespace != ns || w.pods[info.Namespace] == nil {
			continue
		}
		if follows, _ := followsPods(info); !follows {
			continue
		}
		live := w.live[Key(info)]
		if live == nil {
			continue
		}
		if ff, err := w.diag.diagnose(ctx, info, live); ff != nil || err != nil {
			if ff != nil {
				return ff
			}
			return err
		}
	}
	return nil
}

// cachedPods serves the diagnoser from the followed pods; none until they
// were listed (their listing diagnoses again).
func (w *waiter) cachedPods(_ context.Context, namespace string, sel labels.Selector) ([]corev1.Pod, error) {
	var out []corev1.Pod
	if !w.podsListed[namespace] {
		return nil, nil
	}
	for _, p := range w.pods[namespace] {
		if sel.Matches(labels.Set(p.Labels)) {
			out = append(out, *p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// cachedOrListedPods serves the diagnosis of a failure, which ends the
// wait and cannot wait for the pods to be listed.
func (w *waiter) cachedOrListedPods(ctx context.Context, namespace string, sel labels.Selector) ([]corev1.Pod, error) {
	if w.podsListed[namespace] && w.pods[namespace] != nil {
		return w.cachedPods(ctx, namespace, sel)
	}
	return w.c.listPods(ctx, namespace, sel)
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
	if ff, _ := w.failed.diagnose(ctx, info, live); ff != nil {
		return ff
	}
	return &FailFastError{Object: Describe(info), Reason: "Failed", Message: msg}
}

func (w *waiter) sortedPending() []*resource.Info { return sortedInfos(w.pending) }

func (w *waiter) describePending() []string {
	out := make([]string, 0, len(w.pending))
	for _, info := range w.pending {
		msg := w.last[Key(info)].Message
		if msg == "" {
			msg = "not seen yet"
		}
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

// namesOf indexes listed objects by name.
func namesOf(objs []runtime.Object) map[string]runtime.Object {
	out := make(map[string]runtime.Object, len(objs))
	for _, o := range objs {
		out[nameOf(o)] = o
	}
	return out
}

func nameOf(obj runtime.Object) string {
	m, err := meta.Accessor(obj)
	if err != nil {
		return ""
	}
	return m.GetName()
}

// asUnstructured returns obj as the dynamic client delivers it; nil for
// nil.
func asUnstructured(obj runtime.Object) *unstructured.Unstructured {
	u, _ := obj.(*unstructured.Unstructured)
	return u
}

func asPod(obj runtime.Object) *corev1.Pod {
	p, _ := obj.(*corev1.Pod)
	return p
}
