package kube

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/resource"
)

// Delete deletes objects in uninstall order with background propagation.
// With a non-zero owner, live objects that another release (or none) owns
// are left alone, so a failed revision that named someone else's object
// never deletes it. Objects already gone are not an error; every other
// failure is reported, naming the object, after trying the rest.
func (c *Client) Delete(ctx context.Context, infos []*resource.Info, owner Owner) error {
	sorted := append([]*resource.Info(nil), infos...)
	SortForUninstall(sorted)
	policy := metav1.DeletePropagationBackground
	var errs []error
	for _, info := range sorted {
		if owner.Name != "" {
			live, err := c.get(ctx, info)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if live == nil || OwnerOf(live) != owner {
				continue
			}
		}
		err := c.resourceFor(info).Delete(ctx, info.Name, metav1.DeleteOptions{PropagationPolicy: &policy})
		if err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("delete %s: %w", Describe(info), err))
		}
	}
	return errors.Join(errs...)
}

// WaitDeleted polls until every object is gone or ctx ends.
func (c *Client) WaitDeleted(ctx context.Context, infos []*resource.Info) error {
	pending := append([]*resource.Info(nil), infos...)
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	for {
		var still []*resource.Info
		for _, info := range pending {
			live, err := c.get(ctx, info)
			if err != nil {
				return err
			}
			if live != nil {
				still = append(still, info)
			}
		}
		if len(still) == 0 {
			return nil
		}
		pending = still
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s still exists: %w", Describe(pending[0]), ctx.Err())
		case <-tick.C:
		}
	}
}
