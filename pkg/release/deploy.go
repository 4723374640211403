package release

import (
	"context"
	"fmt"
	"time"

	"k8s.io/cli-runtime/pkg/resource"

	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/render"
)

// deployOptions are the knobs shared by install, upgrade and rollback.
type deployOptions struct {
	Wait           bool
	WaitForJobs    bool
	Timeout        time.Duration
	NoHooks        bool
	TakeOwnership  bool
	ForceConflicts bool
	DryRun         bool
	Pre, Post      render.HookEvent
}

func (o deployOptions) timeout() time.Duration {
	if o.Timeout <= 0 {
		return 5 * time.Minute
	}
	return o.Timeout
}

// deploy makes the cluster match rel: pre hooks, server-side apply of the
// manifest, deletion of what the replaced revisions had and rel has not
// (except objects marked keep), the wait, then post hooks.
func (c *Config) deploy(ctx context.Context, rel *Release, replaced []*Release, o deployOptions) error {
	target, err := c.Kube.Build(ctx, rel.Namespace, rel.Manifest)
	if err != nil {
		return err
	}
	if !o.NoHooks && !o.DryRun {
		if err := c.runHooks(ctx, rel, o.Pre, o.timeout()); err != nil {
			return err
		}
	}
	owner := kube.Owner{Name: rel.Name, Namespace: rel.Namespace}
	c.logf("applying %d object(s) of release %s revision %d", len(target), rel.Name, rel.Version)
	err = c.Kube.Apply(ctx, target, kube.ApplyOptions{Owner: owner, TakeOwnership: o.TakeOwnership, Force: o.ForceConflicts, DryRun: o.DryRun})
	if err != nil || o.DryRun {
		return err
	}
	if err := c.deleteStale(ctx, rel, target, replaced, owner); err != nil {
		return err
	}
	if o.Wait || o.WaitForJobs {
		c.logf("waiting up to %s for release %s to become ready", o.timeout(), rel.Name)
		if err := c.Kube.Wait(ctx, target, kube.WaitOptions{Timeout: o.timeout(), WaitForJobs: o.WaitForJobs, OnEvent: c.OnEvent}); err != nil {
			return err
		}
	}
	if !o.NoHooks {
		return c.runHooks(ctx, rel, o.Post, o.timeout())
	}
	return nil
}

// deleteStale removes objects the replaced revisions rendered and target
// does not, unless annotated helm.sh/resource-policy: keep.
func (c *Config) deleteStale(ctx context.Context, rel *Release, target []*resource.Info, replaced []*Release, owner kube.Owner) error {
	seen := map[string]bool{}
	var stale []*resource.Info
	for _, old := range replaced {
		if old == nil {
			continue
		}
		infos, _, err := c.Kube.BuildStored(ctx, rel.Namespace, old.Manifest)
		if err != nil {
			c.logf("warning: cannot read the objects of revision %d to remove the ones no longer rendered: %v", old.Version, err)
			continue
		}
		for _, info := range kube.Difference(infos, target) {
			if k := kube.Key(info); !seen[k] && !kube.Kept(info) {
				seen[k] = true
				stale = append(stale, info)
			}
		}
	}
	if len(stale) == 0 {
		return nil
	}
	c.logf("deleting %d object(s) no longer in release %s", len(stale), rel.Name)
	if err := c.Kube.Delete(ctx, stale, owner); err != nil {
		return fmt.Errorf("remove objects no longer rendered: %w", err)
	}
	return nil
}
