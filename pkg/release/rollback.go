package release

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kpkg/kpkg/pkg/release/record"
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
	revs, err := c.Store.revisions(ctx, o.Namespace, name)
	if err != nil {
		return nil, err
	}
	lastVersion := revs[len(revs)-1].Version
	target := o.Version
	if target == 0 {
		target = lastVersion - 1
	}
	if target < 1 {
		return nil, fmt.Errorf("release %s has no revision before %d to roll back to", name, lastVersion)
	}
	from, err := c.Store.Get(ctx, o.Namespace, name, target)
	if err != nil {
		return nil, err
	}
	last, deployed, err := c.lastAndDeployed(ctx, revs)
	if err != nil {
		return nil, err
	}
	rel := rollbackRevision(from, last)
	if o.DryRun {
		return rel, nil
	}
	if err := c.create(ctx, rel, "rollback"); err != nil {
		return nil, err
	}
	dep := deployOptions{Wait: o.Wait, WaitForJobs: o.WaitForJobs, Timeout: o.Timeout, NoHooks: o.NoHooks,
		ForceConflicts: o.ForceConflicts, Pre: render.HookPreRollback, Post: render.HookPostRollback}
	err = c.deploy(ctx, rel, []*Release{last, deployed}, dep)
	if err == nil {
		return rel, c.succeed(ctx, rel, fmt.Sprintf("Rollback to %d", target), o.HistoryMax)
	}
	err = interruption(ctx, err)
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

// rollbackRevision is a copy of from as the revision after last, as Helm
// makes it: from's chart, values, manifest, hooks (never run) and labels.
func rollbackRevision(from, last *Release) *Release {
	rel := *from
	rel.Version = last.Version + 1
	rel.ApplyMethod = record.ApplyServerSide
	rel.Hooks = make([]*Hook, len(from.Hooks))
	for i, h := range from.Hooks {
		cp := *h
		cp.LastRun = HookExecution{}
		rel.Hooks[i] = &cp
	}
	rel.Info = &Info{
		FirstDeployed: last.Info.FirstDeployed, LastDeployed: now(),
		Status: StatusPendingRollback, Description: fmt.Sprintf("Rollback to %d", from.Version),
		Notes: from.Info.Notes, RollbackRevision: from.Version,
	}
	return &rel
}
