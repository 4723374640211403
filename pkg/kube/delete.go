package kube

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/resource"
)

// Delete deletes objects in uninstall order with background propagation;
// objects of one kind go in parallel. With a non-zero owner, live objects
// that another release (or none) owns are left alone, so a failed revision
// that named someone else's object never deletes it: ownership is read
// with one LIST per kind and namespace (a GET for an object alone of its
// kind), and each delete is conditional on the UID of the object checked.
// Objects already gone are not an error; every other failure is reported,
// naming the object, after trying the rest.
func (c *Client) Delete(ctx context.Context, infos []*resource.Info, owner Owner) error {
	return c.DeleteWith(ctx, infos, DeleteOptions{Owner: owner})
}

// DeleteOptions control DeleteWith. The zero value deletes without an
// ownership check, dependents in the background.
type DeleteOptions struct {
	// Owner, when set, spares live objects another release (or none) owns.
	Owner Owner
	// Propagation is what happens to dependents (a Deployment's
	// ReplicaSets): "" means background, as kubectl's --cascade.
	Propagation metav1.DeletionPropagation
}

// DeleteWith is Delete with options.
func (c *Client) DeleteWith(ctx context.Context, infos []*resource.Info, o DeleteOptions) error {
	owner := o.Owner
	sorted := append([]*resource.Info(nil), infos...)
	SortForUninstall(sorted)
	var live *liveMeta
	var errs []error
	if owner.Name != "" {
		live = c.readMetadata(ctx, sorted)
		if live.err != nil {
			if ctx.Err() != nil {
				return live.err
			}
			errs = append(errs, live.err)
		}
	}
	for _, group := range kindGroups(sorted) {
		err := forEach(ctx, len(group), 0, false, "stopped deleting", func(ctx context.Context, i int) error {
			return c.deleteOne(ctx, group[i], live, owner, o.Propagation)
		})
		if err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
		}
	}
	return errors.Join(errs...)
}

func (c *Client) deleteOne(ctx context.Context, info *resource.Info, live *liveMeta, owner Owner, policy metav1.DeletionPropagation) error {
	if policy == "" {
		policy = metav1.DeletePropagationBackground
	}
	opts := metav1.DeleteOptions{PropagationPolicy: &policy}
	if live != nil {
		m := live.get(info)
		if m == nil || OwnerOf(m) != owner {
			return nil // absent, unreadable (reported), or not ours
		}
		if m.UID != "" {
			// Spare an object re-created by someone else since it was read.
			opts.Preconditions = &metav1.Preconditions{UID: &m.UID}
		}
	}
	// A delete sent again after its answer was lost finds the object
	// gone, which is success.
	err := RetryTransient(ctx, func() error { return c.resourceFor(info).Delete(ctx, info.Name, opts) })
	if err == nil || apierrors.IsNotFound(err) || apierrors.IsConflict(err) && opts.Preconditions != nil {
		return nil
	}
	return fmt.Errorf("delete %s: %w", Describe(info), err)
}

// WaitDeleted waits until every object is gone or ctx ends, listing each
// kind and namespace once and then watching them.
func (c *Client) WaitDeleted(ctx context.Context, infos []*resource.Info) error {
	left, err := c.watchUntil(ctx, infos, c.metadataSource, func(obj runtime.Object) bool { return obj == nil })
	if err != nil && len(left) > 0 && ctx.Err() != nil {
		return fmt.Errorf("%s still exists (%d object(s) left): %w", Describe(left[0]), len(left), context.Cause(ctx))
	}
	return err
}
