package kube

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/resource"
)

// ApplyOptions control Apply. The zero value applies without an owner
// check, fails on field conflicts and uses 8 workers per kind.
type ApplyOptions struct {
	// Owner, when set, is stamped on every object, and an object owned by
	// another release (or by none) is refused unless TakeOwnership.
	Owner         Owner
	TakeOwnership bool
	// Force takes fields owned by other field managers (--force-conflicts).
	Force bool
	// DryRun asks the server to validate and default without persisting.
	DryRun bool
	// Parallelism bounds concurrent applies of one kind; 0 means 8.
	Parallelism int
}

// ConflictError is a server-side apply conflict: fields of the object that
// another field manager owns.
type ConflictError struct {
	Object    string
	Conflicts []FieldConflict
}

// FieldConflict is one contested field and the manager that holds it.
type FieldConflict struct {
	Field   string
	Manager string
}

func (e *ConflictError) Error() string {
	parts := make([]string, 0, len(e.Conflicts))
	for _, c := range e.Conflicts {
		parts = append(parts, fmt.Sprintf("%s is owned by %s", c.Field, c.Manager))
	}
	return fmt.Sprintf("apply %s: field conflict: %s", e.Object, strings.Join(parts, "; "))
}

// Apply applies objects server-side in Helm's kind order; objects of one kind
// go in parallel. Each info's Object is replaced by the server's answer.
func (c *Client) Apply(ctx context.Context, infos []*resource.Info, opts ApplyOptions) error {
	sorted := append([]*resource.Info(nil), infos...)
	SortForInstall(sorted)
	for start := 0; start < len(sorted); {
		end := start + 1
		for end < len(sorted) && Kind(sorted[end]) == Kind(sorted[start]) {
			end++
		}
		if err := c.applyGroup(ctx, sorted[start:end], opts); err != nil {
			return err
		}
		start = end
	}
	return nil
}

func (c *Client) applyGroup(ctx context.Context, group []*resource.Info, opts ApplyOptions) error {
	workers := opts.Parallelism
	if workers <= 0 {
		workers = 8
	}
	sem := make(chan struct{}, workers)
	errs := make([]error, len(group))
	var wg sync.WaitGroup
	for i, info := range group {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = c.applyOne(ctx, info, opts)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (c *Client) applyOne(ctx context.Context, info *resource.Info, opts ApplyOptions) error {
	obj, err := unstructuredOf(info)
	if err != nil {
		return err
	}
	obj = obj.DeepCopy()
	if opts.Owner.Name != "" {
		if !opts.TakeOwnership {
			live, err := c.get(ctx, info)
			if err != nil {
				return err
			}
			if err := checkOwner(info, live, opts.Owner); err != nil {
				return err
			}
		}
		stamp(obj, opts.Owner)
	}
	// Server-side apply must not carry server-owned metadata.
	obj.SetResourceVersion("")
	obj.SetManagedFields(nil)
	data, err := json.Marshal(obj.Object)
	if err != nil {
		return fmt.Errorf("encode %s: %w", Describe(info), err)
	}
	po := metav1.PatchOptions{FieldManager: FieldManager, Force: &opts.Force}
	if opts.DryRun {
		po.DryRun = []string{metav1.DryRunAll}
	}
	out, err := c.resourceFor(info).Patch(ctx, info.Name, types.ApplyPatchType, data, po)
	if err != nil {
		return applyError(info, err)
	}
	info.Object = out
	return nil
}

// get returns the live object, nil when it does not exist.
func (c *Client) get(ctx context.Context, info *resource.Info) (*unstructured.Unstructured, error) {
	live, err := c.resourceFor(info).Get(ctx, info.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", Describe(info), err)
	}
	return live, nil
}

func applyError(info *resource.Info, err error) error {
	var status apierrors.APIStatus
	if apierrors.IsConflict(err) && errors.As(err, &status) && status.Status().Details != nil {
		ce := &ConflictError{Object: Describe(info)}
		for _, cause := range status.Status().Details.Causes {
			if cause.Type != metav1.CauseTypeFieldManagerConflict {
				continue
			}
			ce.Conflicts = append(ce.Conflicts, FieldConflict{Field: cause.Field, Manager: managerOf(cause.Message)})
		}
		if len(ce.Conflicts) > 0 {
			return ce
		}
	}
	return fmt.Errorf("apply %s: %w", Describe(info), err)
}

// managerOf extracts the manager from the API server's conflict message,
// `conflict with "kubectl" using apps/v1`.
func managerOf(msg string) string {
	if _, rest, ok := strings.Cut(msg, "conflict with "); ok {
		if m, _, ok := strings.Cut(rest, " using"); ok {
			return m
		}
		return rest
	}
	return msg
}
