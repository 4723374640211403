package kube

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/util/csaupgrade"
	"k8s.io/client-go/util/retry"
)

// Field ownership that kpkg takes over before applying an existing object,
// so that a field the chart no longer renders is removed by the apply, as
// Helm removes it:
//
//   - FieldManager's Update entries: Helm 3 creates objects and then
//     patches them client-side (three-way strategic merge), which the API
//     server records as operation Update of manager "helm";
//   - Apply entries of manager "kpkg": earlier kpkg versions applied
//     server-side under that name.
//
// Both are folded into FieldManager's Apply entry, as kubectl and Helm 4 do
// for client-side apply. Fields of any other manager (a controller, an
// autoscaler, kubectl) are left with it.
const legacyFieldManager = "kpkg"

// legacyAlias stands for legacyFieldManager's Apply entries while they are
// handed to csaupgrade, which folds Update entries only. It never reaches
// the server: csaupgrade removes or renames every entry it folds.
const legacyAlias = "kpkg\x00apply"

// needsMigration reports whether entries hold ownership to take over.
func needsMigration(entries []metav1.ManagedFieldsEntry) bool {
	for _, e := range entries {
		if migratable(e) {
			return true
		}
	}
	return false
}

func migratable(e metav1.ManagedFieldsEntry) bool {
	if e.Subresource != "" {
		return false
	}
	return e.Manager == FieldManager && e.Operation == metav1.ManagedFieldsOperationUpdate ||
		e.Manager == legacyFieldManager && e.Operation == metav1.ManagedFieldsOperationApply
}

// migrationPatch is the JSON patch that folds the ownership into
// FieldManager's Apply entry, guarded by the object's resourceVersion; nil
// when there is nothing to fold.
func migrationPatch(live *metav1.PartialObjectMetadata) ([]byte, error) {
	obj := live.DeepCopy()
	for i := range obj.ManagedFields {
		e := &obj.ManagedFields[i]
		if e.Subresource == "" && e.Manager == legacyFieldManager && e.Operation == metav1.ManagedFieldsOperationApply {
			e.Manager, e.Operation = legacyAlias, metav1.ManagedFieldsOperationUpdate
		}
	}
	return csaupgrade.UpgradeManagedFieldsPatch(obj, sets.New(FieldManager, legacyAlias), FieldManager)
}

// migrate takes over the ownership of live before it is applied. A
// concurrent change of the object makes the patch fail on its
// resourceVersion; the object is then read again and the patch recomputed.
func (c *Client) migrate(ctx context.Context, info *resource.Info, live *metav1.PartialObjectMetadata) error {
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		patch, err := migrationPatch(live)
		if err != nil || patch == nil {
			return err
		}
		_, err = c.resourceFor(info).Patch(ctx, info.Name, types.JSONPatchType, patch, metav1.PatchOptions{FieldManager: FieldManager})
		if !apierrors.IsConflict(err) {
			return err
		}
		fresh, gerr := c.metadataFor(info.Mapping, info.Namespace).Get(ctx, info.Name, metav1.GetOptions{})
		if gerr != nil {
			return gerr
		}
		live = fresh
		return err
	})
	if apierrors.IsNotFound(err) {
		return nil // deleted meanwhile: the apply creates it afresh
	}
	if err != nil {
		return fmt.Errorf("take over the fields of %s from client-side Helm and earlier versions of kpkg: %w", Describe(info), err)
	}
	return nil
}

// onlyMigratableConflicts reports whether every contested field of err is
// held by a manager migrate would take over.
func onlyMigratableConflicts(err error) bool {
	ce, ok := err.(*ConflictError)
	if !ok || len(ce.Conflicts) == 0 {
		return false
	}
	for _, c := range ce.Conflicts {
		if m := unquote(c.Manager); m != FieldManager && m != legacyFieldManager {
			return false
		}
	}
	return true
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}
