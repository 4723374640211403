package kube

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/resource"
)

// Ownership labels and annotations, as Helm writes them, so Helm and kpkg
// recognise each other's objects.
const (
	ManagedByLabel             = "app.kubernetes.io/managed-by"
	ManagedByValue             = "Helm"
	ReleaseNameAnnotation      = "meta.helm.sh/release-name"
	ReleaseNamespaceAnnotation = "meta.helm.sh/release-namespace"
)

// Owner is the release that owns applied objects.
type Owner struct {
	Name      string
	Namespace string
}

func (o Owner) String() string { return fmt.Sprintf("%q in namespace %q", o.Name, o.Namespace) }

// OwnershipError is returned when an object exists and belongs to another
// release or to none.
type OwnershipError struct {
	Object string
	// Current is the release that owns the object; zero when no release does.
	Current Owner
	Wanted  Owner
}

func (e *OwnershipError) Error() string {
	if e.Current.Name == "" {
		return fmt.Sprintf("%s already exists and is not managed by any release, so it cannot be adopted into release %s", e.Object, e.Wanted)
	}
	return fmt.Sprintf("%s already exists and belongs to release %s, not to release %s", e.Object, e.Current, e.Wanted)
}

// stamp adds the ownership labels and annotations to obj.
func stamp(obj *unstructured.Unstructured, owner Owner) {
	labels := obj.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels[ManagedByLabel] = ManagedByValue
	obj.SetLabels(labels)
	ann := obj.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[ReleaseNameAnnotation] = owner.Name
	ann[ReleaseNamespaceAnnotation] = owner.Namespace
	obj.SetAnnotations(ann)
}

// OwnerOf reads the release that owns a live object (a full object or its
// metadata); zero when none does.
func OwnerOf(obj metav1.Object) Owner {
	if obj.GetLabels()[ManagedByLabel] != ManagedByValue {
		return Owner{}
	}
	ann := obj.GetAnnotations()
	return Owner{Name: ann[ReleaseNameAnnotation], Namespace: ann[ReleaseNamespaceAnnotation]}
}

// checkOwner fails unless the live object is owned by owner.
func checkOwner(info *resource.Info, live metav1.Object, owner Owner) error {
	if cur := OwnerOf(live); cur != owner {
		return &OwnershipError{Object: Describe(info), Current: cur, Wanted: owner}
	}
	return nil
}
