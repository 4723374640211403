package kube

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// InstallCRDs creates the CustomResourceDefinitions of a chart's crds/
// directories that do not exist yet (like Helm, existing CRDs are left
// alone), waits until each is Established, and refreshes discovery so the
// new kinds can be built.
func (c *Client) InstallCRDs(ctx context.Context, manifest string, timeout time.Duration) error {
	infos, err := c.Build(ctx, "", manifest)
	if err != nil {
		return fmt.Errorf("CRDs: %w", err)
	}
	if len(infos) == 0 {
		return nil
	}
	var created atomic.Int32
	err = forEach(ctx, len(infos), 0, false, "stopped creating CRDs", func(ctx context.Context, i int) error {
		obj, err := unstructuredOf(infos[i])
		if err != nil {
			return err
		}
		_, err = c.resourceFor(infos[i]).Create(ctx, obj, metav1.CreateOptions{FieldManager: FieldManager})
		switch {
		case apierrors.IsAlreadyExists(err):
		case err != nil:
			return fmt.Errorf("create %s: %w", Describe(infos[i]), err)
		default:
			created.Add(1)
		}
		return nil
	})
	if err != nil || created.Load() == 0 {
		return err
	}
	if timeout <= 0 {
		timeout = time.Minute
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	left, err := c.watchUntil(wctx, infos, c.objectSource, func(obj runtime.Object) bool {
		u, ok := obj.(*unstructured.Unstructured)
		return ok && established(u)
	})
	if err != nil && len(left) > 0 {
		return fmt.Errorf("%s did not become Established: %w", Describe(left[0]), err)
	}
	if err != nil {
		return err
	}
	c.ResetMapper()
	return nil
}

func established(crd *unstructured.Unstructured) bool {
	conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}
