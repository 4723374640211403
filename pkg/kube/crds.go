package kube

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/resource"
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
	created := 0
	for _, info := range infos {
		obj, err := unstructuredOf(info)
		if err != nil {
			return err
		}
		_, err = c.resourceFor(info).Create(ctx, obj, metav1.CreateOptions{FieldManager: FieldManager})
		switch {
		case apierrors.IsAlreadyExists(err):
		case err != nil:
			return fmt.Errorf("create %s: %w", Describe(info), err)
		default:
			created++
		}
	}
	if created == 0 {
		return nil
	}
	if timeout <= 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for _, info := range infos {
		if err := c.waitEstablished(ctx, info); err != nil {
			return err
		}
	}
	c.ResetMapper()
	return nil
}

func (c *Client) waitEstablished(ctx context.Context, info *resource.Info) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		live, err := c.get(ctx, info)
		if err != nil {
			return err
		}
		if live != nil && established(live) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not become Established: %w", Describe(info), ctx.Err())
		case <-tick.C:
		}
	}
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
