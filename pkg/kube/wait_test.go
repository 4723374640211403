package kube

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	clienttesting "k8s.io/client-go/testing"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

var (
	deploymentsGVR = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	podsGVR        = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	jobsGVR        = schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "jobs"}
)

// deployment is a Deployment of two replicas, available of which are
// ready.
func deployment(name string, available int) string {
	cond := "False"
	if available == 2 {
		cond = "True"
	}
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
  namespace: shop
  generation: 1
spec:
  replicas: 2
  selector:
    matchLabels:
      app: %[1]s
  template:
    metadata:
      labels:
        app: %[1]s
    spec:
      containers:
      - name: app
        image: app:1
status:
  observedGeneration: 1
  replicas: 2
  updatedReplicas: 2
  readyReplicas: %[2]d
  availableReplicas: %[2]d
  conditions:
  - type: Available
    status: "%[3]s"
  - type: Progressing
    status: "True"
    reason: NewReplicaSetAvailable
`, name, available, cond)
}

// pod is a pod of app with one container in the given state (YAML of a
// containerStatus' state and the rest), and the given phase.
func pod(name, app, phase, containerState string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: %s
  namespace: shop
  labels:
    app: %s
spec:
  restartPolicy: Always
  containers:
  - name: app
    image: app:1
status:
  phase: %s
  containerStatuses:
  - name: app
    image: app:1
    imageID: ""
    ready: false
    restartCount: 4
    state:
%s
`, name, app, phase, containerState)
}

const crashLooping = `      waiting:
        reason: CrashLoopBackOff
        message: back-off 40s restarting failed container
    lastState:
      terminated:
        exitCode: 1
        reason: Error`

const failedJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: shop
spec:
  selector:
    matchLabels:
      batch.kubernetes.io/controller-uid: u1
  template:
    metadata:
      labels:
        batch.kubernetes.io/controller-uid: u1
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: migrate:1
status:
  failed: 1
  conditions:
  - type: Failed
    status: "True"
    reason: BackoffLimitExceeded
    message: Job has reached the specified backoff limit
`

const failedJobPod = `apiVersion: v1
kind: Pod
metadata:
  name: migrate-x1
  namespace: shop
  labels:
    batch.kubernetes.io/controller-uid: u1
spec:
  restartPolicy: Never
  containers:
  - name: migrate
    image: migrate:1
status:
  phase: Failed
  containerStatuses:
  - name: migrate
    image: migrate:1
    imageID: ""
    ready: false
    restartCount: 0
    state:
      terminated:
        exitCode: 3
        reason: Error
`

const crashEvent = `apiVersion: v1
kind: Event
metadata:
  name: web-1.17a
  namespace: shop
involvedObject:
  kind: Pod
  name: web-1
  namespace: shop
type: Warning
reason: BackOff
message: Back-off restarting failed container app
`

// events collects OnEvent's calls.
type events struct {
	mu  sync.Mutex
	evs []Event
}

func (e *events) add(ev Event) { e.mu.Lock(); defer e.mu.Unlock(); e.evs = append(e.evs, ev) }

func (e *events) statuses(object string) []status.Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []status.Status
	for _, ev := range e.evs {
		if ev.Object == object {
			out = append(out, ev.Status)
		}
	}
	return out
}

func TestWait(t *testing.T) {
	tests := []struct {
		name     string
		existing []string
		manifest string
		opts     WaitOptions
		// later changes the cluster once the wait has started.
		later      func(t *testing.T, f *fakeCluster)
		wantErr    string
		wantReason string
		// wantEvents are the statuses reported for the first object.
		wantEvents []status.Status
	}{
		{name: "ready at once", existing: []string{deployment("web", 2), ownedConfigMap("cm-0", release)},
			manifest: deployment("web", 0) + "---\n" + configMaps(1, "x"), wantEvents: []status.Status{status.CurrentStatus}},
		{name: "becomes ready", existing: []string{deployment("web", 0)}, manifest: deployment("web", 0),
			later: func(t *testing.T, f *fakeCluster) {
				f.Update(t, mustObject(t, deployment("web", 2)))
			},
			wantEvents: []status.Status{status.InProgressStatus, status.CurrentStatus}},
		{name: "appears and becomes ready", manifest: deployment("web", 0),
			later: func(t *testing.T, f *fakeCluster) {
				f.Add(t, deployment("web", 2))
			},
			wantEvents: []status.Status{status.NotFoundStatus, status.CurrentStatus}},
		{name: "times out naming what is not ready", existing: []string{deployment("web", 1)}, manifest: deployment("web", 0),
			opts: WaitOptions{Timeout: 300 * time.Millisecond}, wantErr: "timed out after 300ms waiting for 1 object(s) to become ready: Deployment web (namespace shop) (Available: 1/2)"},
		{name: "fails fast on a crash loop", existing: []string{deployment("web", 1), pod("web-1", "web", "Running", crashLooping), crashEvent},
			manifest: deployment("web", 0), wantReason: "CrashLoopBackOff",
			wantErr: "Deployment web (namespace shop) will not become ready: CrashLoopBackOff in pod web-1: container \"app\": back-off 40s restarting failed container (last exit code 1, Error)\nrecent events:\n  Warning BackOff: Back-off restarting failed container app\nlast log lines:\n  fake logs"},
		{name: "fails fast on a crash loop that starts later", existing: []string{deployment("web", 1), pod("web-1", "web", "Running", "      running: {}")},
			manifest: deployment("web", 0), wantReason: "CrashLoopBackOff", wantErr: "CrashLoopBackOff in pod web-1",
			later: func(t *testing.T, f *fakeCluster) {
				f.Update(t, mustObject(t, pod("web-1", "web", "Running", crashLooping)))
			}},
		{name: "pods of other workloads do not count", existing: []string{deployment("web", 1), pod("api-1", "api", "Running", crashLooping)},
			manifest: deployment("web", 0), opts: WaitOptions{Timeout: 300 * time.Millisecond}, wantErr: "timed out"},
		{name: "jobs are not waited on unless asked", existing: []string{failedJob}, manifest: failedJob},
		{name: "a failed job fails the wait", existing: []string{failedJob, failedJobPod}, manifest: failedJob,
			opts: WaitOptions{WaitForJobs: true}, wantReason: "JobFailed",
			wantErr: "Job migrate (namespace shop) will not become ready: JobFailed in pod migrate-x1: BackoffLimitExceeded Job has reached the specified backoff limit; container \"migrate\" terminated: Error, exit code 3"},
		{name: "a pod must succeed when completion is asked", existing: []string{pod("hook", "hook", "Running", "      running: {}")},
			manifest: pod("hook", "hook", "Pending", ""), opts: WaitOptions{Complete: true},
			later: func(t *testing.T, f *fakeCluster) {
				f.Update(t, mustObject(t, pod("hook", "hook", "Succeeded", "      terminated:\n        exitCode: 0\n        reason: Completed")))
			},
			wantEvents: []status.Status{status.InProgressStatus, status.CurrentStatus}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeCluster(t)
			f.Add(t, tt.existing...)
			c := f.client(t)
			infos := mustBuild(t, c, tt.manifest)
			var evs events
			opts := tt.opts
			opts.OnEvent = evs.add
			if opts.Timeout == 0 {
				opts.Timeout = 5 * time.Second
			}
			if tt.later != nil {
				// Change the cluster once every source watches, so the
				// change is seen by a watch rather than by the first list.
				sources := len(newWaiter(c, opts, infos).sources())
				go func() {
					for f.Watches() < int32(sources) {
						time.Sleep(5 * time.Millisecond)
					}
					tt.later(t, f)
				}()
			}
			err := c.Wait(context.Background(), infos, opts)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Wait = %v\nwant %q", err, tt.wantErr)
			}
			var ff *FailFastError
			if tt.wantReason != "" && (!errors.As(err, &ff) || ff.Reason != tt.wantReason) {
				t.Errorf("Wait = %#v, want a FailFastError %s", err, tt.wantReason)
			}
			if tt.wantEvents != nil {
				if got := evs.statuses(Describe(infos[0])); fmt.Sprint(got) != fmt.Sprint(tt.wantEvents) {
					t.Errorf("events %v, want %v", got, tt.wantEvents)
				}
			}
		})
	}
}

func TestWaitTimeoutErrorType(t *testing.T) {
	f := newFakeCluster(t)
	f.Add(t, deployment("web", 0))
	c := f.client(t)
	err := c.Wait(context.Background(), mustBuild(t, c, deployment("web", 0)), WaitOptions{Timeout: 100 * time.Millisecond})
	var te *TimeoutError
	if !errors.As(err, &te) || len(te.NotReady) != 1 || te.After != 100*time.Millisecond {
		t.Fatalf("Wait = %v, want a TimeoutError", err)
	}
}

// A watch that drops (an API server restart) or cannot be opened for a
// while is re-established; the wait goes on.
func TestWaitSurvivesDroppedWatches(t *testing.T) {
	f := newFakeCluster(t)
	f.Add(t, deployment("web", 0))
	c := f.client(t)
	var watches atomic.Int32
	f.Dyn.PrependWatchReactor("deployments", func(clienttesting.Action) (bool, watch.Interface, error) {
		switch watches.Add(1) {
		case 1: // the connection drops at once
			w := watch.NewFake()
			w.Stop()
			return true, w, nil
		case 2: // the API server is restarting
			return true, nil, errors.New("dial tcp 127.0.0.1:6443: connect: connection refused")
		case 3: // back, but the resourceVersion is too old
			return true, nil, apierrors.NewResourceExpired("too old resource version")
		}
		return false, nil, nil
	})
	go func() {
		for watches.Load() < 4 {
			time.Sleep(10 * time.Millisecond)
		}
		f.Update(t, mustObject(t, deployment("web", 2)))
	}()
	if err := c.Wait(context.Background(), mustBuild(t, c, deployment("web", 0)), WaitOptions{Timeout: 10 * time.Second}); err != nil {
		t.Fatalf("Wait = %v", err)
	}
	if n := watches.Load(); n < 4 {
		t.Errorf("%d watches opened", n)
	}
}

func TestWaitFailsOnForbidden(t *testing.T) {
	f := newFakeCluster(t)
	f.Dyn.PrependReactor("list", "deployments", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "apps", Resource: "deployments"}, "", errors.New("RBAC"))
	})
	c := f.client(t)
	err := c.Wait(context.Background(), mustBuild(t, c, deployment("web", 0)), WaitOptions{Timeout: 5 * time.Second})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "list Deployment objects in namespace shop") {
		t.Fatalf("Wait = %v, want forbidden naming the objects", err)
	}
}

// A failing list is retried; meanwhile the objects are reported Unknown
// with the reason.
func TestWaitRetriesFailedLists(t *testing.T) {
	f := newFakeCluster(t)
	f.Add(t, deployment("web", 2))
	var lists atomic.Int32
	f.Dyn.PrependReactor("list", "deployments", func(clienttesting.Action) (bool, runtime.Object, error) {
		if lists.Add(1) == 1 {
			return true, nil, apierrors.NewServiceUnavailable("etcd is slow")
		}
		return false, nil, nil
	})
	c := f.client(t)
	infos := mustBuild(t, c, deployment("web", 0))
	var evs events
	if err := c.Wait(context.Background(), infos, WaitOptions{OnEvent: evs.add}); err != nil {
		t.Fatal(err)
	}
	if got := evs.statuses(Describe(infos[0])); fmt.Sprint(got) != fmt.Sprint([]status.Status{status.UnknownStatus, status.CurrentStatus}) {
		t.Errorf("events %v", got)
	}
}

func TestWaitCancelledSaysSoOnce(t *testing.T) {
	f := newFakeCluster(t)
	var manifest strings.Builder
	for i := range 10 {
		name := fmt.Sprintf("web-%d", i)
		f.Add(t, deployment(name, 0))
		manifest.WriteString("---\n" + deployment(name, 0))
	}
	c := f.client(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	err := c.Wait(ctx, mustBuild(t, c, manifest.String()), WaitOptions{})
	if !errors.Is(err, context.Canceled) || strings.Count(err.Error(), "canceled") != 1 {
		t.Fatalf("Wait = %v, want the cancellation once", err)
	}
}

func TestStatuses(t *testing.T) {
	f := newFakeCluster(t)
	f.Add(t, deployment("web", 2), deployment("api", 1), pod("api-1", "api", "Running", crashLooping), ownedConfigMap("cm-0", release))
	c := f.client(t)
	manifest := deployment("web", 0) + "---\n" + deployment("api", 0) + "---\n" + configMaps(2, "x")
	got, err := c.Statuses(context.Background(), mustBuild(t, c, manifest))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, s := range got {
		lines = append(lines, fmt.Sprintf("%s %s %s", s.Kind, s.Name, s.Status))
	}
	want := "Deployment web Current|Deployment api Failed|ConfigMap cm-0 Current|ConfigMap cm-1 NotFound"
	if strings.Join(lines, "|") != want {
		t.Errorf("Statuses = %q\nwant %q", lines, want)
	}
	if !strings.HasPrefix(got[1].Message, "CrashLoopBackOff: ") {
		t.Errorf("message %q", got[1].Message)
	}
}

// Without permission to watch pods the wait goes on; it only cannot fail
// early.
func TestWaitWithoutPods(t *testing.T) {
	f := newFakeCluster(t)
	f.Add(t, deployment("web", 2))
	f.Core.PrependReactor("list", "pods", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", errors.New("RBAC"))
	})
	c := f.client(t)
	if err := c.Wait(context.Background(), mustBuild(t, c, deployment("web", 0)), WaitOptions{Timeout: 5 * time.Second}); err != nil {
		t.Fatalf("Wait = %v", err)
	}
}

// A pod unschedulable for long is given up on at the next look, without
// any event.
func TestWaitGivesUpOnUnschedulablePods(t *testing.T) {
	unschedulable := fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: web-1
  namespace: shop
  labels:
    app: web
spec:
  containers:
  - name: app
    image: app:1
status:
  phase: Pending
  conditions:
  - type: PodScheduled
    status: "False"
    reason: Unschedulable
    message: "0/3 nodes are available: 3 Insufficient memory."
    lastTransitionTime: %q
`, time.Now().Add(-unschedulableGrace+1500*time.Millisecond).UTC().Format(time.RFC3339))
	f := newFakeCluster(t)
	f.Add(t, deployment("web", 1), unschedulable)
	c := f.client(t)
	start := time.Now()
	err := c.Wait(context.Background(), mustBuild(t, c, deployment("web", 0)), WaitOptions{Timeout: 5 * time.Second, Interval: 100 * time.Millisecond})
	var ff *FailFastError
	if !errors.As(err, &ff) || ff.Reason != "Unschedulable" || !strings.Contains(ff.Message, "Insufficient memory") {
		t.Fatalf("Wait = %v, want Unschedulable", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("gave up after %s", time.Since(start))
	}
}
