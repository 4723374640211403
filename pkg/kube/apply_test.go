package kube

import (
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/resource"
)

func info(kind, name string) *resource.Info {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("v1")
	u.SetKind(kind)
	u.SetName(name)
	return &resource.Info{Name: name, Namespace: "ns", Object: u}
}

func TestApplyErrorNamesFieldAndManager(t *testing.T) {
	conflict := apierrors.NewApplyConflict([]metav1.StatusCause{
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "kubectl-edit" using apps/v1`, Field: ".spec.replicas"},
	}, "Apply failed with 1 conflict")
	err := applyError(info("Deployment", "web"), conflict)
	ce, ok := err.(*ConflictError)
	if !ok {
		t.Fatalf("applyError = %T %v, want *ConflictError", err, err)
	}
	if ce.Conflicts[0].Manager != `"kubectl-edit"` || ce.Conflicts[0].Field != ".spec.replicas" {
		t.Errorf("conflict = %+v", ce.Conflicts)
	}
	for _, want := range []string{"Deployment web", ".spec.replicas", "kubectl-edit"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	other := applyError(info("Deployment", "web"), apierrors.NewForbidden(schema.GroupResource{Resource: "deployments"}, "web", nil))
	if _, ok := other.(*ConflictError); ok || !strings.Contains(other.Error(), "apply Deployment web") {
		t.Errorf("forbidden error = %v", other)
	}
}

func TestOwnership(t *testing.T) {
	me := Owner{Name: "a", Namespace: "ns"}
	tests := []struct {
		name    string
		stamp   *Owner
		wantErr string
	}{
		{"absent object", nil, ""},
		{"owned by us", &me, ""},
		{"owned by another release", &Owner{Name: "b", Namespace: "ns"}, `belongs to release "b"`},
		{"owned by nobody", &Owner{}, "not managed by any release"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var live *unstructured.Unstructured
			if tt.stamp != nil {
				live = info("ConfigMap", "cm").Object.(*unstructured.Unstructured)
				if tt.stamp.Name != "" {
					stamp(live, *tt.stamp)
				}
			}
			err := checkOwner(info("ConfigMap", "cm"), live, me)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("checkOwner = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestSortForInstallAndUninstall(t *testing.T) {
	infos := []*resource.Info{info("Deployment", "d"), info("Service", "s"), info("Namespace", "n"), info("ConfigMap", "c"), info("Widget", "w")}
	SortForInstall(infos)
	var got []string
	for _, i := range infos {
		got = append(got, Kind(i))
	}
	if strings.Join(got, ",") != "Namespace,ConfigMap,Service,Deployment,Widget" {
		t.Errorf("install order %v", got)
	}
	SortForUninstall(infos)
	got = got[:0]
	for _, i := range infos {
		got = append(got, Kind(i))
	}
	if strings.Join(got, ",") != "Widget,Deployment,Service,ConfigMap,Namespace" {
		t.Errorf("uninstall order %v", got)
	}
}
