package kube

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/resource"
)

// FailFastError reports an object that will not become ready by waiting:
// a crash-looping or unpullable container, a failed Job or Pod, or a pod no
// node can take. It carries the pod's recent events and log lines.
type FailFastError struct {
	Object  string
	Pod     string
	Reason  string
	Message string
	Events  []string
	Logs    []string
}

func (e *FailFastError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s will not become ready: %s", e.Object, e.Reason)
	if e.Pod != "" {
		fmt.Fprintf(&b, " in pod %s", e.Pod)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if len(e.Events) > 0 {
		b.WriteString("\nrecent events:\n  " + strings.Join(e.Events, "\n  "))
	}
	if len(e.Logs) > 0 {
		b.WriteString("\nlast log lines:\n  " + strings.Join(e.Logs, "\n  "))
	}
	return b.String()
}

// stuckWaiting are container waiting reasons that retrying will not cure.
var stuckWaiting = map[string]bool{
	"CrashLoopBackOff": true, "ImagePullBackOff": true, "ErrImagePull": true,
	"InvalidImageName": true, "CreateContainerConfigError": true, "CreateContainerError": true,
}

// podLister returns the pods of a namespace that a selector matches.
type podLister func(ctx context.Context, namespace string, sel labels.Selector) ([]corev1.Pod, error)

// listPods is a podLister that asks the API server.
func (c *Client) listPods(ctx context.Context, namespace string, sel labels.Selector) ([]corev1.Pod, error) {
	pods, err := c.core.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil, fmt.Errorf("list pods in namespace %s: %w", namespace, err)
	}
	return pods.Items, nil
}

// diagnoser looks for reasons to stop waiting on objects.
type diagnoser struct {
	c    *Client
	pods podLister
	// owners caches the UID of a Deployment revision's ReplicaSet, by the
	// Deployment's UID and revision: it never changes.
	owners map[string]types.UID
}

func newDiagnoser(c *Client, pods podLister) *diagnoser {
	return &diagnoser{c: c, pods: pods, owners: map[string]types.UID{}}
}

// diagnose looks for a reason to stop waiting on live now. It reads no
// more than the pods, unless one of them is stuck.
func (d *diagnoser) diagnose(ctx context.Context, info *resource.Info, live *unstructured.Unstructured) (*FailFastError, error) {
	if live.GetKind() == "Job" && hasCondition(live, "Failed") {
		ff := &FailFastError{Object: Describe(info), Reason: "JobFailed", Message: conditionMessage(live, "Failed")}
		pods, _ := d.podsOf(ctx, live)
		for i := range pods {
			if pods[i].Status.Phase == corev1.PodFailed {
				ff.Pod, ff.Message = pods[i].Name, ff.Message+"; "+podSummary(&pods[i])
				d.c.enrich(ctx, ff, &pods[i], "", false)
				break
			}
		}
		return ff, nil
	}
	if !observed(live) {
		// Until the controller has seen the current spec, its pods may be
		// those of the revision being replaced (e.g. during a rollback).
		return nil, nil
	}
	pods, err := d.podsOf(ctx, live)
	if err != nil {
		return nil, err
	}
	var stuck []int
	for i := range pods {
		if stuckPod(&pods[i]) != nil {
			stuck = append(stuck, i)
		}
	}
	if len(stuck) == 0 {
		return nil, nil
	}
	owner, err := d.currentOwner(ctx, live)
	if err != nil {
		return nil, err
	}
	for _, i := range stuck {
		p := &pods[i]
		if owner != "" && !ownedBy(p.OwnerReferences, owner) && !(live.GetKind() == "StatefulSet" && p.Labels["controller-revision-hash"] == string(owner)) {
			continue // a pod of a revision being replaced
		}
		ff := stuckPod(p)
		ff.Object = Describe(info)
		d.c.enrich(ctx, &ff.FailFastError, p, ff.container, ff.Reason == "CrashLoopBackOff")
		return &ff.FailFastError, nil
	}
	return nil, nil
}

type podProblem struct {
	FailFastError
	container string
}

// stuckPod reports a pod that will not progress without a change.
func stuckPod(p *corev1.Pod) *podProblem {
	if p.DeletionTimestamp != nil {
		return nil
	}
	statuses := append(append([]corev1.ContainerStatus(nil), p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...)
	for _, cs := range statuses {
		if w := cs.State.Waiting; w != nil && stuckWaiting[w.Reason] {
			msg := fmt.Sprintf("container %q: %s", cs.Name, w.Message)
			if t := cs.LastTerminationState.Terminated; t != nil {
				msg += fmt.Sprintf(" (last exit code %d, %s)", t.ExitCode, t.Reason)
			}
			return &podProblem{FailFastError{Pod: p.Name, Reason: w.Reason, Message: msg}, cs.Name}
		}
	}
	if p.Status.Phase == corev1.PodFailed && p.Spec.RestartPolicy == corev1.RestartPolicyNever {
		return &podProblem{FailFastError{Pod: p.Name, Reason: "PodFailed", Message: podSummary(p)}, ""}
	}
	for _, cond := range p.Status.Conditions {
		if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse && cond.Reason == corev1.PodReasonUnschedulable &&
			persistentlyUnschedulable(cond, time.Now()) {
			return &podProblem{FailFastError{Pod: p.Name, Reason: "Unschedulable", Message: cond.Message}, ""}
		}
	}
	return nil
}

// unschedulableGrace is how long a pod must stay unschedulable before the
// wait gives up on it: the scheduler also reports transient states (a claim
// still binding, a node just joining) that resolve within seconds.
const unschedulableGrace = 10 * time.Second

// persistentlyUnschedulable tells a pod that cannot be placed from one that
// is waiting for its volumes: an unbound claim is a provisioner's business
// and is left to the timeout, as Helm does.
func persistentlyUnschedulable(cond corev1.PodCondition, now time.Time) bool {
	if strings.Contains(cond.Message, "unbound") && strings.Contains(cond.Message, "PersistentVolumeClaim") {
		return false
	}
	return now.Sub(cond.LastTransitionTime.Time) >= unschedulableGrace
}

func podSummary(p *corev1.Pod) string {
	var parts []string
	for _, cs := range p.Status.ContainerStatuses {
		if t := cs.State.Terminated; t != nil {
			parts = append(parts, fmt.Sprintf("container %q terminated: %s, exit code %d", cs.Name, t.Reason, t.ExitCode))
		}
	}
	if len(parts) == 0 {
		return "pod phase " + string(p.Status.Phase)
	}
	return strings.Join(parts, "; ")
}

// enrich adds the pod's recent events and, where the API serves them, its
// last log lines.
func (c *Client) enrich(ctx context.Context, ff *FailFastError, p *corev1.Pod, container string, previous bool) {
	ff.Pod = p.Name
	evs, err := c.core.CoreV1().Events(p.Namespace).List(ctx, metav1.ListOptions{
		FieldSelector: "involvedObject.kind=Pod,involvedObject.name=" + p.Name,
	})
	if err == nil {
		sort.Slice(evs.Items, func(i, j int) bool { return eventTime(&evs.Items[i]).Before(eventTime(&evs.Items[j])) })
		items := evs.Items
		if len(items) > 5 {
			items = items[len(items)-5:]
		}
		for _, e := range items {
			ff.Events = append(ff.Events, fmt.Sprintf("%s %s: %s", e.Type, e.Reason, strings.TrimSpace(e.Message)))
		}
	}
	if container == "" && len(p.Spec.Containers) > 0 {
		container = p.Spec.Containers[0].Name
	}
	lctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	tail := int64(10)
	raw, err := c.core.CoreV1().Pods(p.Namespace).GetLogs(p.Name, &corev1.PodLogOptions{Container: container, TailLines: &tail, Previous: previous}).DoRaw(lctx)
	if err == nil {
		for _, line := range strings.Split(strings.TrimRight(string(raw), "\n"), "\n") {
			if line != "" {
				ff.Logs = append(ff.Logs, line)
			}
		}
	}
}

func eventTime(e *corev1.Event) time.Time {
	switch {
	case !e.EventTime.IsZero():
		return e.EventTime.Time
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp.Time
	}
	return e.CreationTimestamp.Time
}

func conditionMessage(u *unstructured.Unstructured, typ string) string {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ {
			reason, _ := m["reason"].(string)
			msg, _ := m["message"].(string)
			return strings.TrimSpace(reason + " " + msg)
		}
	}
	return ""
}

// podsOf returns the pods of a workload (its selector's), or the pod
// itself.
func (d *diagnoser) podsOf(ctx context.Context, live *unstructured.Unstructured) ([]corev1.Pod, error) {
	if live.GetKind() == "Pod" {
		var p corev1.Pod
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(live.Object, &p); err != nil {
			return nil, err
		}
		return []corev1.Pod{p}, nil
	}
	sel := selectorOf(live)
	if sel == nil {
		return nil, nil
	}
	return d.pods(ctx, live.GetNamespace(), sel)
}

// selectorOf is a workload's pod selector; nil when it has none.
func selectorOf(obj *unstructured.Unstructured) labels.Selector {
	selector, ok, _ := unstructured.NestedMap(obj.Object, "spec", "selector")
	if !ok {
		return nil
	}
	var ls metav1.LabelSelector
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(selector, &ls); err != nil {
		return nil
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	if err != nil || sel.Empty() {
		return nil
	}
	return sel
}

// currentOwner is, for a Deployment, the UID of the ReplicaSet of its
// current revision and, for a StatefulSet, its update revision, so pods of
// a replaced revision that are still shutting down do not fail a
// rollback; "" when all pods count.
func (d *diagnoser) currentOwner(ctx context.Context, live *unstructured.Unstructured) (types.UID, error) {
	switch live.GetKind() {
	case "StatefulSet":
		rev, _, _ := unstructured.NestedString(live.Object, "status", "updateRevision")
		return types.UID(rev), nil
	case "Deployment":
		rev := live.GetAnnotations()["deployment.kubernetes.io/revision"]
		if rev == "" {
			return "", nil
		}
		key := string(live.GetUID()) + "/" + rev
		if uid, ok := d.owners[key]; ok {
			return uid, nil
		}
		opts := metav1.ListOptions{}
		if sel := selectorOf(live); sel != nil {
			opts.LabelSelector = sel.String()
		}
		rss, err := d.c.core.AppsV1().ReplicaSets(live.GetNamespace()).List(ctx, opts)
		if err != nil {
			return "", fmt.Errorf("list replica sets of Deployment %s: %w", live.GetName(), err)
		}
		for _, rs := range rss.Items {
			if ownedBy(rs.OwnerReferences, live.GetUID()) && rs.Annotations["deployment.kubernetes.io/revision"] == rev {
				d.owners[key] = rs.UID
				return rs.UID, nil
			}
		}
	}
	return "", nil
}

func ownedBy(refs []metav1.OwnerReference, uid types.UID) bool {
	for _, r := range refs {
		if r.UID == uid {
			return true
		}
	}
	return false
}

// observed reports whether a workload controller has processed the
// object's current generation; objects without status.observedGeneration
// (Pods, Jobs) count as observed.
func observed(live *unstructured.Unstructured) bool {
	og, found, _ := unstructured.NestedInt64(live.Object, "status", "observedGeneration")
	if !found {
		return live.GetKind() == "Pod" || live.GetKind() == "Job"
	}
	return og >= live.GetGeneration()
}
