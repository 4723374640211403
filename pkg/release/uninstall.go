package release

import (
	"context"
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/render"
)

// UninstallOptions are uninstall's flags.
type UninstallOptions struct {
	// KeepHistory marks the release uninstalled instead of deleting its
	// revisions, so it can be rolled back.
	KeepHistory bool
	Wait        bool
	Timeout     time.Duration
	NoHooks     bool
	Description string
	DryRun      bool
	// Cascade is what happens to the dependents of deleted objects:
	// "background" (the default, ""), "foreground" or "orphan".
	Cascade string
}

// UninstallResult is what uninstall did.
type UninstallResult struct {
	Release *Release
	// Kept lists objects left in place by helm.sh/resource-policy: keep.
	Kept []string
	// Gone lists objects whose kind the cluster no longer serves in any
	// version, so they cannot exist and were not deleted.
	Gone []string
}

// Uninstall deletes a release's objects and, unless KeepHistory, its
// revisions.
func Uninstall(ctx context.Context, c *Config, namespace, name string, o UninstallOptions) (*UninstallResult, error) {
	if _, ok := cascades[o.Cascade]; !ok {
		return nil, fmt.Errorf("invalid cascade value %q: use background, foreground or orphan", o.Cascade)
	}
	if o.DryRun {
		rel, err := c.lastRelease(ctx, namespace, name)
		if err != nil {
			return nil, err
		}
		return &UninstallResult{Release: rel}, nil
	}
	var res *UninstallResult
	err := c.withLock(ctx, namespace, name, "uninstall", func(ctx context.Context) error {
		var err error
		res, err = c.uninstallLocked(ctx, namespace, name, o)
		return err
	})
	return res, err
}

// uninstall is used by --atomic installs, with the lock already held.
func (c *Config) uninstall(ctx context.Context, namespace, name string, o UninstallOptions) error {
	_, err := c.uninstallLocked(ctx, namespace, name, o)
	return err
}

func (c *Config) uninstallLocked(ctx context.Context, namespace, name string, o UninstallOptions) (*UninstallResult, error) {
	revs, err := c.Store.revisions(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	rel, err := c.readOrSummary(ctx, revs[len(revs)-1])
	if err != nil {
		return nil, err
	}
	if IsDamaged(rel) {
		return c.uninstallDamaged(ctx, revs, rel, o)
	}
	if rel.Info.Status == StatusUninstalled {
		if o.KeepHistory {
			return nil, &AlreadyUninstalledError{Name: name, Namespace: namespace}
		}
		// As Helm: uninstalling an uninstalled release purges its history.
		return &UninstallResult{Release: rel}, c.purge(ctx, revs)
	}
	if err := c.finish(ctx, rel, StatusUninstalling, "Deletion in progress (or silently failed)"); err != nil {
		return nil, err
	}
	res := &UninstallResult{Release: rel}
	if err := c.removeObjects(ctx, rel, res, o); err != nil {
		err = interruption(ctx, err)
		ferr := c.finish(ctx, rel, StatusFailed, fmt.Sprintf("Uninstallation failed: %v", err))
		return res, fmt.Errorf("uninstall release %s: %w", name, errors.Join(err, ferr))
	}
	if o.KeepHistory {
		rel.Info.Deleted = now()
		desc := o.Description
		if desc == "" {
			desc = "Uninstallation complete"
		}
		return res, c.finish(ctx, rel, StatusUninstalled, desc)
	}
	return res, c.purge(ctx, revs)
}

// purge deletes every stored revision of a release.
func (c *Config) purge(ctx context.Context, revs []revision) error {
	for _, r := range revs {
		if err := c.Store.Delete(context.WithoutCancel(ctx), r.Namespace, r.Name, r.Version); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) removeObjects(ctx context.Context, rel *Release, res *UninstallResult, o UninstallOptions) error {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	if !o.NoHooks {
		if err := c.runHooks(ctx, rel, render.HookPreDelete, timeout); err != nil {
			return err
		}
	}
	infos, gone, err := c.Kube.BuildStored(ctx, rel.Namespace, rel.Manifest)
	if err != nil {
		return err
	}
	res.Gone = gone
	owner := kube.Owner{Name: rel.Name, Namespace: rel.Namespace}
	var doomed = infos[:0:0]
	for _, info := range infos {
		if kube.Kept(info) {
			res.Kept = append(res.Kept, kube.Describe(info))
			continue
		}
		doomed = append(doomed, info)
	}
	if err := c.Kube.DeleteWith(ctx, doomed, kube.DeleteOptions{Owner: owner, Propagation: cascades[o.Cascade]}); err != nil {
		return err
	}
	if o.Wait {
		wctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if err := c.Kube.WaitDeleted(wctx, doomed); err != nil {
			return err
		}
	}
	if !o.NoHooks {
		return c.runHooks(ctx, rel, render.HookPostDelete, timeout)
	}
	return nil
}

// lastRelease reads the newest revision of a release in full.
func (c *Config) lastRelease(ctx context.Context, namespace, name string) (*Release, error) {
	revs, err := c.Store.revisions(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	return c.Store.get(ctx, revs[len(revs)-1])
}

// uninstallDamaged uninstalls a release whose newest revision cannot be
// read: the objects of the newest revision that can be read are deleted
// (what only the damaged revision created is not known, and stays); then
// the history is purged, or with KeepHistory the damaged record is
// replaced by a summary marked uninstalled.
func (c *Config) uninstallDamaged(ctx context.Context, revs []revision, newest *Release, o UninstallOptions) (*UninstallResult, error) {
	res := &UninstallResult{Release: newest}
	readable, err := c.newestReadable(ctx, revs[:len(revs)-1])
	if err != nil {
		return nil, err
	}
	if readable != nil {
		c.logf("revision %d cannot be read; deleting the objects of revision %d instead", newest.Version, readable.Version)
		if err := c.removeObjects(ctx, readable, res, o); err != nil {
			return res, fmt.Errorf("uninstall release %s: %w", newest.Name, err)
		}
	}
	if !o.KeepHistory {
		return res, c.purge(ctx, revs)
	}
	newest.Info.Deleted = now()
	newest.Info.Description += "; uninstalled"
	return res, c.setStatus(ctx, newest, StatusUninstalled)
}

// cascades maps Cascade to the API's propagation policies.
var cascades = map[string]metav1.DeletionPropagation{
	"": metav1.DeletePropagationBackground, "background": metav1.DeletePropagationBackground,
	"foreground": metav1.DeletePropagationForeground, "orphan": metav1.DeletePropagationOrphan,
}
