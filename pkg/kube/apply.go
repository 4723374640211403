package kube

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/resource"
)

// ApplyOptions control Apply. The zero value applies without an owner
// check, fails on field conflicts and applies 64 objects of a kind at once.
type ApplyOptions struct {
	// Owner, when set, is stamped on every object, and an object owned by
	// another release (or by none) is refused unless TakeOwnership.
	Owner Owner
	// TakeOwnership adopts existing objects whatever release owns them.
	TakeOwnership bool
	// Force takes fields owned by other field managers (--force-conflicts).
	Force bool
	// DryRun asks the server to validate and default without persisting.
	DryRun bool
	// Parallelism bounds concurrent applies of one kind; 0 means 64.
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

// Apply applies objects server-side as FieldManager, in Helm's kind order;
// objects of one kind go in parallel. Each info's Object is replaced by the
// server's answer.
//
// The objects that already exist are read first, with one LIST per kind
// and namespace (a GET for an object alone of its kind), to refuse, before
// anything is written, objects that another release owns, and to find
// those whose field ownership must be taken over from Helm's client-side
// writes or an earlier kpkg (see migrate); only those cost a request more.
func (c *Client) Apply(ctx context.Context, infos []*resource.Info, opts ApplyOptions) error {
	sorted := append([]*resource.Info(nil), infos...)
	SortForInstall(sorted)
	live := c.readMetadata(ctx, sorted)
	if live.err != nil {
		return live.err
	}
	if opts.Owner.Name != "" && !opts.TakeOwnership {
		var errs []error
		for _, info := range sorted {
			if m := live.get(info); m != nil {
				if err := checkOwner(info, m, opts.Owner); err != nil {
					errs = append(errs, err)
				}
			}
		}
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
	}
	for _, group := range kindGroups(sorted) {
		err := forEach(ctx, len(group), opts.Parallelism, true, "stopped applying", func(ctx context.Context, i int) error {
			return c.applyOne(ctx, group[i], live.get(group[i]), opts)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// kindGroups splits sorted objects into runs of one kind.
func kindGroups(sorted []*resource.Info) [][]*resource.Info {
	var out [][]*resource.Info
	for start := 0; start < len(sorted); {
		end := start + 1
		for end < len(sorted) && Kind(sorted[end]) == Kind(sorted[start]) {
			end++
		}
		out = append(out, sorted[start:end])
		start = end
	}
	return out
}

// applyOne applies one object; live is its metadata, nil when it did not
// exist.
func (c *Client) applyOne(ctx context.Context, info *resource.Info, live *metav1.PartialObjectMetadata, opts ApplyOptions) error {
	obj, err := unstructuredOf(info)
	if err != nil {
		return err
	}
	obj = obj.DeepCopy()
	if opts.Owner.Name != "" {
		stamp(obj, opts.Owner)
	}
	// Server-side apply must not carry server-owned metadata.
	obj.SetResourceVersion("")
	obj.SetManagedFields(nil)
	data, err := json.Marshal(obj.Object)
	if err != nil {
		return fmt.Errorf("encode %s: %w", Describe(info), err)
	}
	migrating := live != nil && needsMigration(live.ManagedFields)
	if migrating && !opts.DryRun {
		if err := c.migrate(ctx, info, live); err != nil {
			return err
		}
	}
	out, err := c.patchApply(ctx, info, data, opts.Force, opts.DryRun)
	// A dry run cannot take the ownership over first, so fields held by the
	// managers the real run takes over from would conflict; they are
	// forced instead, and only they.
	if err != nil && migrating && opts.DryRun && !opts.Force && onlyMigratableConflicts(err) {
		out, err = c.patchApply(ctx, info, data, true, true)
	}
	if err != nil {
		return err
	}
	info.Object = out
	return nil
}

func (c *Client) patchApply(ctx context.Context, info *resource.Info, data []byte, force, dryRun bool) (*unstructured.Unstructured, error) {
	po := metav1.PatchOptions{FieldManager: FieldManager, Force: &force}
	if dryRun {
		po.DryRun = []string{metav1.DryRunAll}
	}
	// An apply is idempotent, so one cut short by a restarting or
	// overloaded server is sent again.
	var out *unstructured.Unstructured
	err := RetryTransient(ctx, func() (err error) {
		out, err = c.resourceFor(info).Patch(ctx, info.Name, types.ApplyPatchType, data, po)
		return err
	})
	if err != nil {
		return nil, applyError(info, err)
	}
	return out, nil
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
