package release

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kpkg/kpkg/pkg/render"
)

// RollbackOptions are rollback's flags.
type RollbackOptions struct {
	Namespace string
	// Version is the revision to return to; 0 means the one before the
	// newest.
	Version        int
	Wait           bool
	WaitForJobs    bool
	Timeout        time.Duration
	NoHooks        bool
	ForceConflicts bool
	CleanupOnFail  bool
	HistoryMax     int
	DryRun         bool
}

// Rollback makes a new revision that repeats an earlier one.
func Rollback(ctx context.Context, c *Config, name string, o RollbackOptions) (*Release, error) {
	var rel *Release
	err := c.withLock(ctx, o.Namespace, name, "rollback", func(ctx context.Context) error {
		var err error
		rel, err = c.rollback(ctx, name, o)
		return err
	})
	return rel, err
}

// rollback runs with the lock held.
func (c *Config) rollback(ctx context.Context, name string, o RollbackOptions) (*Release, error) {
	hist, err := c.Store.History(ctx, o.Namespace, name)
	if err != nil {
		return nil, err
	}
	lastSum := hist[len(hist)-1]
	target := o.Version
	if target == 0 {
		target = lastSum.Version - 1
	}
	if target < 1 {
		return nil, fmt.Errorf("release %s has no revision before %d to roll back to", name, lastSum.Version)
	}
	from, err := c.Store.Get(ctx, o.Namespace, name, target)
	if errors.Is(err, ErrNotFound) {
		return nil, &RevisionNotFoundError{Name: name, Namespace: o.Namespace, Version: target}
	}
	if err != nil {
		return nil, err
	}
	last, err := c.Store.Get(ctx, o.Namespace, name, lastSum.Version)
	if err != nil {
		return nil, err
	}
	rel := rollbackRevision(from, last)
	if o.DryRun {
		return rel, nil
	}
	if err := c.Store.Create(ctx, rel); err != nil {
		return nil, err
	}
	dep := deployOptions{Wait: o.Wait, WaitForJobs: o.WaitForJobs, Timeout: o.Timeout, NoHooks: o.NoHooks,
		ForceConflicts: o.ForceConflicts, Pre: render.HookPreRollback, Post: render.HookPostRollback}
	err = c.deploy(ctx, rel, c.deployedAndLast(ctx, hist, last), dep)
	if err == nil {
		return rel, c.succeed(ctx, rel, fmt.Sprintf("Rollback to %d", target), o.HistoryMax)
	}
	ctx = context.WithoutCancel(ctx)
	ferr := c.finish(ctx, rel, StatusFailed, fmt.Sprintf("Rollback %q failed: %v", name, err))
	err = fmt.Errorf("roll back release %s to revision %d: %w", name, target, errors.Join(err, ferr))
	if o.CleanupOnFail {
		if cerr := c.cleanupNew(ctx, rel, last); cerr != nil {
			err = fmt.Errorf("%w; cleaning up the objects it created also failed: %v", err, cerr)
		}
	}
	return rel, err
}

// rollbackRevision is a copy of from as the revision after last.
func rollbackRevision(from, last *Release) *Release {
	rel := *from
	rel.Version = last.Version + 1
	rel.Hooks = make([]*Hook, len(from.Hooks))
	for i, h := range from.Hooks {
		cp := *h
		cp.LastRun = HookRun{}
		rel.Hooks[i] = &cp
	}
	rel.Info = &Info{
		FirstDeployed: last.Info.FirstDeployed, LastDeployed: time.Now().UTC(),
		Status: StatusPendingRollback, Description: fmt.Sprintf("Rollback to %d", from.Version),
		Notes: from.Info.Notes,
	}
	return &rel
}

// deployedAndLast returns the revisions whose objects may be live: the
// newest and the newest deployed one.
func (c *Config) deployedAndLast(ctx context.Context, hist []*Release, last *Release) []*Release {
	out := []*Release{last}
	for i := len(hist) - 1; i >= 0; i-- {
		if hist[i].Info.Status == StatusDeployed && hist[i].Version != last.Version {
			if dep, err := c.Store.Get(ctx, last.Namespace, last.Name, hist[i].Version); err == nil {
				out = append(out, dep)
			}
			break
		}
	}
	return out
}
