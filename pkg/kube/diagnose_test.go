package kube

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestStuckPod(t *testing.T) {
	waiting := func(reason string) corev1.ContainerStatus {
		return corev1.ContainerStatus{Name: "app", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: "msg"}}}
	}
	deleting := metav1.NewTime(time.Now())
	tests := []struct {
		name       string
		pod        corev1.Pod
		wantReason string
	}{
		{"crash loop", corev1.Pod{Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{waiting("CrashLoopBackOff")}}}, "CrashLoopBackOff"},
		{"image pull back-off", corev1.Pod{Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{waiting("ImagePullBackOff")}}}, "ImagePullBackOff"},
		{"image pull error in an init container", corev1.Pod{Status: corev1.PodStatus{InitContainerStatuses: []corev1.ContainerStatus{waiting("ErrImagePull")}}}, "ErrImagePull"},
		{"creating is fine", corev1.Pod{Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{waiting("ContainerCreating")}}}, ""},
		{"unschedulable", corev1.Pod{Status: corev1.PodStatus{Conditions: []corev1.PodCondition{{
			Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable, Message: "0/1 nodes are available"}}}}, "Unschedulable"},
		{"failed pod that never restarts", corev1.Pod{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever}, Status: corev1.PodStatus{Phase: corev1.PodFailed}}, "PodFailed"},
		{"terminating pods are ignored", corev1.Pod{ObjectMeta: metav1.ObjectMeta{DeletionTimestamp: &deleting},
			Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{waiting("CrashLoopBackOff")}}}, ""},
		{"running pod", corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodRunning}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.pod.Name = "p"
			got := stuckPod(&tt.pod)
			switch {
			case tt.wantReason == "" && got != nil:
				t.Errorf("stuckPod = %+v, want nil", got)
			case tt.wantReason != "" && (got == nil || got.Reason != tt.wantReason):
				t.Errorf("stuckPod = %+v, want reason %s", got, tt.wantReason)
			}
		})
	}
}

func TestFailFastErrorNamesEverything(t *testing.T) {
	err := &FailFastError{Object: "Deployment web (namespace shop)", Pod: "web-1", Reason: "CrashLoopBackOff",
		Message: `container "app": back-off`, Events: []string{"Warning BackOff: restarting"}, Logs: []string{"panic: boom"}}
	msg := err.Error()
	for _, want := range []string{"Deployment web", "web-1", "CrashLoopBackOff", "Warning BackOff", "panic: boom"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}
