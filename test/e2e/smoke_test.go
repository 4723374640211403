package e2e

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kpkg/kpkg/test/cluster/localcluster"
	"github.com/kpkg/kpkg/test/e2e/harness"
)

// workloadTimeout is generous: on an idle machine each workload settles in
// about a second, but CI shares two cores with compilers.
const workloadTimeout = 90 * time.Second

// TestClusterIsReal proves the harness runs a real API server with real
// controllers: behaviour a fake client cannot show.
func TestClusterIsReal(t *testing.T) {
	t.Run("server reports its release version", func(t *testing.T) {
		t.Parallel()
		v, err := env.Client.Discovery().ServerVersion()
		if err != nil {
			t.Fatalf("server version: %v", err)
		}
		if v.Major != "1" || v.Minor == "" || !strings.HasPrefix(v.GitVersion, "v1.") || strings.Contains(v.GitVersion, "master") {
			t.Errorf("server version = %+v, want a v1.x release stamped at build time", v)
		}
	})
	t.Run("server-side apply conflict between field managers", testApplyConflict)
	t.Run("Secret size limit", testSecretSizeLimit)
	t.Run("workloads", testWorkloads)
}

// testApplyConflict: a second field manager changing a field the first
// one owns gets 409 Conflict unless it forces ownership.
func testApplyConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ns := env.Namespace(t)
	cms := env.Client.CoreV1().ConfigMaps(ns)
	apply := func(manager, value string, force bool) error {
		cm := corev1ac.ConfigMap("owned", ns).WithData(map[string]string{"key": value})
		_, err := cms.Apply(ctx, cm, metav1.ApplyOptions{FieldManager: manager, Force: force})
		return err
	}

	if err := apply("kpkg-first", "one", false); err != nil {
		t.Fatalf("first apply: %v", err)
	}
	err := apply("kpkg-second", "two", false)
	if !apierrors.IsConflict(err) {
		t.Fatalf("second manager's apply: got %v, want a 409 Conflict", err)
	}
	if !strings.Contains(err.Error(), `conflict with "kpkg-first"`) || !strings.Contains(err.Error(), ".data.key") {
		t.Errorf("conflict should name the owner and the field, got: %v", err)
	}
	if err := apply("kpkg-second", "two", true); err != nil {
		t.Fatalf("forced apply: %v", err)
	}
	got, err := cms.Get(ctx, "owned", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get after forced apply: %v", err)
	}
	if got.Data["key"] != "two" {
		t.Errorf("after forced apply data.key = %q, want %q", got.Data["key"], "two")
	}
}

// testSecretSizeLimit: the API server enforces the 1 MiB Secret limit.
func testSecretSizeLimit(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	tests := []struct {
		name     string
		size     int
		rejected bool
	}{
		{"900 KiB is accepted", 900 << 10, false},
		{"1.5 MiB is rejected", 1536 << 10, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secret := &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("payload-%d", i)},
				Data:       map[string][]byte{"blob": bytes.Repeat([]byte{'x'}, tt.size)},
			}
			_, err := env.Client.CoreV1().Secrets(ns).Create(context.Background(), secret, metav1.CreateOptions{})
			switch {
			case !tt.rejected && err != nil:
				t.Fatalf("create %d-byte Secret: %v", tt.size, err)
			case tt.rejected && err == nil:
				t.Fatalf("create %d-byte Secret succeeded, want it rejected", tt.size)
			case tt.rejected && (!apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "1048576")):
				t.Fatalf("create %d-byte Secret: got %v, want 422 Invalid naming the 1048576-byte limit", tt.size, err)
			}
		})
	}
}

// testWorkloads: controllers, the scheduler and kwok together move
// workloads to the states tests of install, upgrade and rollback wait for.
func testWorkloads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// create makes the workload in ns.
		create func(ctx context.Context, c kubernetes.Interface, ns string) error
		// settled reports whether the workload reached the wanted state,
		// and what it saw.
		settled func(ctx context.Context, c kubernetes.Interface, ns string) (bool, string, error)
	}{
		{"Deployment becomes Available", createDeployment, deploymentAvailable},
		{"Job completes", createJob, jobComplete},
		{"annotated pod reports CrashLoopBackOff", createPod(localcluster.SimulateCrashLoop),
			podWaiting("CrashLoopBackOff")},
		{"annotated pod reports ErrImagePull", createPod(localcluster.SimulateErrImagePull),
			podWaiting("ErrImagePull", "ImagePullBackOff")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ns := env.Namespace(t)
			ctx := context.Background()
			if err := tt.create(ctx, env.Client, ns); err != nil {
				t.Fatalf("create workload: %v", err)
			}
			harness.Eventually(t, workloadTimeout, tt.name, func(ctx context.Context) (bool, string, error) {
				return tt.settled(ctx, env.Client, ns)
			})
		})
	}
}

const workloadName = "smoke"

func podSpec(restart corev1.RestartPolicy) corev1.PodSpec {
	return corev1.PodSpec{
		RestartPolicy: restart,
		Containers: []corev1.Container{{
			Name: "app",
			// Never pulled: kwok only plays the kubelet.
			Image: "registry.invalid/kpkg/smoke:1",
		}},
	}
}

func labels() map[string]string { return map[string]string{"app": workloadName} }

func createDeployment(ctx context.Context, c kubernetes.Interface, ns string) error {
	replicas := int32(2)
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: workloadName},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels()},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels()},
				Spec:       podSpec(corev1.RestartPolicyAlways),
			},
		},
	}
	_, err := c.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{})
	return err
}

func deploymentAvailable(ctx context.Context, c kubernetes.Interface, ns string) (bool, string, error) {
	d, err := c.AppsV1().Deployments(ns).Get(ctx, workloadName, metav1.GetOptions{})
	if err != nil {
		return false, "", err
	}
	seen := fmt.Sprintf("ready %d/%d, conditions %v", d.Status.ReadyReplicas, *d.Spec.Replicas, d.Status.Conditions)
	if d.Status.ObservedGeneration < d.Generation || d.Status.ReadyReplicas != *d.Spec.Replicas {
		return false, seen, nil
	}
	for _, cond := range d.Status.Conditions {
		if cond.Type == appsv1.DeploymentAvailable {
			return cond.Status == corev1.ConditionTrue, seen, nil
		}
	}
	return false, seen, nil
}

func createJob(ctx context.Context, c kubernetes.Interface, ns string) error {
	j := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: workloadName},
		Spec: batchv1.JobSpec{
			Template: corev1.PodTemplateSpec{Spec: podSpec(corev1.RestartPolicyNever)},
		},
	}
	_, err := c.BatchV1().Jobs(ns).Create(ctx, j, metav1.CreateOptions{})
	return err
}

func jobComplete(ctx context.Context, c kubernetes.Interface, ns string) (bool, string, error) {
	j, err := c.BatchV1().Jobs(ns).Get(ctx, workloadName, metav1.GetOptions{})
	if err != nil {
		return false, "", err
	}
	seen := fmt.Sprintf("succeeded %d, conditions %v", j.Status.Succeeded, j.Status.Conditions)
	for _, cond := range j.Status.Conditions {
		if cond.Type == batchv1.JobFailed && cond.Status == corev1.ConditionTrue {
			return false, seen, fmt.Errorf("job failed: %s", cond.Message)
		}
		if cond.Type == batchv1.JobComplete && cond.Status == corev1.ConditionTrue {
			return j.Status.Succeeded == 1, seen, nil
		}
	}
	return false, seen, nil
}

func createPod(simulate string) func(context.Context, kubernetes.Interface, string) error {
	return func(ctx context.Context, c kubernetes.Interface, ns string) error {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{
				Name:        workloadName,
				Annotations: map[string]string{localcluster.SimulateAnnotation: simulate},
			},
			Spec: podSpec(corev1.RestartPolicyAlways),
		}
		_, err := c.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{})
		return err
	}
}

// podWaiting is settled when every container waits for one of reasons and
// the pod is not Ready, as the kubelet reports a failing container.
func podWaiting(reasons ...string) func(context.Context, kubernetes.Interface, string) (bool, string, error) {
	return func(ctx context.Context, c kubernetes.Interface, ns string) (bool, string, error) {
		p, err := c.CoreV1().Pods(ns).Get(ctx, workloadName, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		seen := fmt.Sprintf("phase %s, container statuses %+v", p.Status.Phase, p.Status.ContainerStatuses)
		if len(p.Status.ContainerStatuses) == 0 {
			return false, seen, nil
		}
		for _, cs := range p.Status.ContainerStatuses {
			if cs.Ready || cs.State.Waiting == nil || !slices.Contains(reasons, cs.State.Waiting.Reason) {
				return false, seen, nil
			}
			// A crash loop follows a container that ran and failed.
			if cs.State.Waiting.Reason == "CrashLoopBackOff" &&
				(cs.RestartCount < 1 || cs.LastTerminationState.Terminated == nil || cs.LastTerminationState.Terminated.ExitCode == 0) {
				return false, seen, nil
			}
		}
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
				return false, seen, fmt.Errorf("pod is Ready despite failing containers: %s", seen)
			}
		}
		return true, seen, nil
	}
}
