package lint

import (
	"strings"
	"testing"

	appsv1beta1 "k8s.io/api/apps/v1beta1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestGoneAPIsAreNotInTheScheme keeps the hand-kept table honest: it may
// only list API versions k8s.io/api no longer has types (and so lifecycle
// methods) for, and each entry must be removed after it was deprecated.
func TestGoneAPIsAreNotInTheScheme(t *testing.T) {
	for gvk, lc := range goneAPIs {
		if kubeScheme().Recognizes(gvk) {
			t.Errorf("%s is in the scheme: drop it from goneAPIs, its generated lifecycle applies", gvkString(gvk))
		}
		if !lc.removed.set() || !lc.removed.atLeast(lc.deprecated) {
			t.Errorf("%s: removed %s must be set and not before deprecated %s", gvkString(gvk), lc.removed, lc.deprecated)
		}
		if !lc.replacement.Empty() && !kubeScheme().Recognizes(lc.replacement) && lc.replacement.Group != "apiregistration.k8s.io" {
			t.Errorf("%s: replacement %s is not a known API", gvkString(gvk), gvkString(lc.replacement))
		}
	}
}

func TestLifecycleFromGeneratedMethods(t *testing.T) {
	lc := lifecycleOf(&appsv1beta1.Deployment{})
	if lc.deprecated != (release{1, 8}) || lc.removed != (release{1, 16}) || lc.replacement.Kind != "Deployment" {
		t.Errorf("apps/v1beta1 Deployment lifecycle = %+v", lc)
	}
	if lc := lifecycleOf(&corev1.ConfigMap{}); lc.deprecated.set() || lc.removed.set() {
		t.Errorf("v1 ConfigMap has a deprecation: %+v", lc)
	}
	if lc := lifecycleOf(&batchv1.CronJob{}); lc.introduced != (release{1, 21}) {
		t.Errorf("batch/v1 CronJob introduced %s, want v1.21", lc.introduced)
	}
}

func TestAvailability(t *testing.T) {
	gvk := schema.GroupVersionKind{Group: "policy", Version: "v1beta1", Kind: "PodDisruptionBudget"}
	lc := lifecycle{introduced: release{1, 5}, deprecated: release{1, 21}, removed: release{1, 25},
		replacement: schema.GroupVersionKind{Group: "policy", Version: "v1", Kind: "PodDisruptionBudget"}}
	tests := []struct {
		target release
		sev    Severity
		msg    string
	}{
		{release{1, 4}, Warning, "policy/v1beta1 PodDisruptionBudget is not served before Kubernetes v1.5 (target v1.4)"},
		{release{1, 20}, 0, ""},
		{release{1, 21}, Warning, "policy/v1beta1 PodDisruptionBudget is deprecated since Kubernetes v1.21 and will be removed in v1.25; use policy/v1 PodDisruptionBudget"},
		{release{1, 25}, Warning, "policy/v1beta1 PodDisruptionBudget was removed in Kubernetes v1.25 and cannot be installed on v1.25; use policy/v1 PodDisruptionBudget"},
		{release{2, 0}, Warning, "was removed in Kubernetes v1.25"},
	}
	for _, tt := range tests {
		sev, msg := availability(gvk, lc, tt.target)
		if sev != tt.sev || !strings.HasPrefix(msg, tt.msg) && !strings.Contains(msg, tt.msg) {
			t.Errorf("target %s: got %v %q, want %v %q", tt.target, sev, msg, tt.sev, tt.msg)
		}
	}
}
