package kube

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestPersistentlyUnschedulable(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name    string
		message string
		since   time.Duration
		want    bool
	}{
		{"just happened", "0/1 nodes are available: 1 Insufficient cpu.", time.Second, false},
		{"persisted", "0/1 nodes are available: 1 Insufficient cpu.", 15 * time.Second, true},
		{"claim still binding", "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.", time.Minute, false},
	}
	for _, tt := range tests {
		cond := corev1.PodCondition{Message: tt.message, LastTransitionTime: metav1.NewTime(now.Add(-tt.since))}
		if got := persistentlyUnschedulable(cond, now); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
