package release

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/postrender"
	"github.com/kpkg/kpkg/pkg/render"
)

// UpgradeOptions are upgrade's flags.
type UpgradeOptions struct {
	Namespace string
	Render    render.Options
	// PostRender, when set, rewrites the rendered manifest.
	PostRender *postrender.Options
	// Install installs the release when it does not exist (--install).
	Install    bool
	ValueMode  ValueMode
	HistoryMax int
	// CleanupOnFail deletes objects this upgrade created when it fails.
	CleanupOnFail bool
	// Atomic rolls back to the previous deployed revision on failure.
	Atomic         bool
	ForceConflicts bool
	TakeOwnership  bool
	Description    string
	Wait           bool
	WaitForJobs    bool
	Timeout        time.Duration
	DryRun         DryRun
	NoHooks        bool
	// SkipCRDs and CreateNamespace apply when --install installs.
	SkipCRDs        bool
	CreateNamespace bool
	Labels          map[string]string
}

func (o UpgradeOptions) deploy(pre, post render.HookEvent) deployOptions {
	return deployOptions{
		Wait: o.Wait, WaitForJobs: o.WaitForJobs, Timeout: o.Timeout, NoHooks: o.NoHooks,
		TakeOwnership: o.TakeOwnership, ForceConflicts: o.ForceConflicts,
		DryRun: o.DryRun == DryRunServer, Pre: pre, Post: post,
	}
}

func (o UpgradeOptions) install(name string) InstallOptions {
	return InstallOptions{
		Name: name, Namespace: o.Namespace, Render: o.Render, PostRender: o.PostRender, CreateNamespace: o.CreateNamespace,
		Description: o.Description, Wait: o.Wait, WaitForJobs: o.WaitForJobs, Timeout: o.Timeout,
		Atomic: o.Atomic, DryRun: o.DryRun, NoHooks: o.NoHooks, SkipCRDs: o.SkipCRDs,
		TakeOwnership: o.TakeOwnership, ForceConflicts: o.ForceConflicts, Labels: o.Labels,
	}
}

// Upgrade moves a release to a new revision of ch with vals.
func Upgrade(ctx context.Context, c *Config, name string, ch *chart.Chart, vals map[string]any, o UpgradeOptions) (*Release, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	if err := checkLabels(o.Labels); err != nil {
		return nil, err
	}
	if o.Install {
		if absent, err := c.installable(ctx, o.Namespace, name); err != nil {
			return nil, err
		} else if absent {
			return Install(ctx, c, ch, vals, o.install(name))
		}
	}
	if o.DryRun != DryRunNone {
		return c.dryRunUpgrade(ctx, name, ch, vals, o)
	}
	var rel *Release
	err := c.withLock(ctx, o.Namespace, name, "upgrade", func(ctx context.Context) error {
		var err error
		rel, err = c.upgrade(ctx, name, ch, vals, o)
		return err
	})
	return rel, err
}

// installable reports whether --install should install: no release of
// that name, or only an uninstalled one.
func (c *Config) installable(ctx context.Context, namespace, name string) (bool, error) {
	revs, err := c.Store.revisions(ctx, namespace, name)
	if errors.Is(err, ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return revs[len(revs)-1].Status == StatusUninstalled, nil
}

// upgradeBase reads what an upgrade starts from: the newest revision and
// the deployed one (nil when none is).
func (c *Config) upgradeBase(ctx context.Context, namespace, name string) (last, deployed *Release, err error) {
	revs, err := c.Store.revisions(ctx, namespace, name)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, &NotDeployedError{Name: name, Namespace: namespace}
	}
	if err != nil {
		return nil, nil, err
	}
	if revs[len(revs)-1].Status == StatusUninstalled {
		return nil, nil, &NotDeployedError{Name: name, Namespace: namespace, Uninstalled: true}
	}
	return c.lastAndDeployed(ctx, revs)
}

// lastAndDeployed reads the newest revision and the newest deployed one
// (the same *Release when they are one revision; nil when none is
// deployed). A newest revision that cannot be read is its summary; a
// deployed one that cannot be read is replaced by the newest readable
// revision before it, whose objects are the best knowledge of what is live.
func (c *Config) lastAndDeployed(ctx context.Context, revs []revision) (last, deployed *Release, err error) {
	if last, err = c.readOrSummary(ctx, revs[len(revs)-1]); err != nil {
		return nil, nil, err
	}
	for i := len(revs) - 1; i >= 0; i-- {
		if revs[i].Status != StatusDeployed {
			continue
		}
		if i == len(revs)-1 {
			deployed = last
		} else if deployed, err = c.readOrSummary(ctx, revs[i]); err != nil {
			return nil, nil, err
		}
		if IsDamaged(deployed) {
			deployed, err = c.newestReadable(ctx, revs[:i])
		}
		return last, deployed, err
	}
	return last, nil, nil
}

func (c *Config) prepareUpgrade(ctx context.Context, name string, ch *chart.Chart, vals map[string]any, o UpgradeOptions) (rel, last, deployed *Release, err error) {
	last, deployed, err = c.upgradeBase(ctx, o.Namespace, name)
	if err != nil {
		return nil, nil, nil, err
	}
	current := deployed
	if current == nil {
		current = last
	}
	rch, rvals := upgradeValues(ch, current, vals, o.ValueMode)
	rel, _, err = c.renderRelease(ctx, renderSpec{chart: rch, values: rvals, base: o.Render, post: o.PostRender,
		name: name, namespace: o.Namespace, version: last.Version + 1, upgrade: true, dry: o.DryRun})
	if err != nil {
		return nil, nil, nil, err
	}
	rel.Labels = o.Labels
	rel.Info.FirstDeployed = current.Info.FirstDeployed
	rel.Info.Status, rel.Info.Description = StatusPendingUpgrade, "Preparing upgrade"
	return rel, last, deployed, nil
}

func (c *Config) dryRunUpgrade(ctx context.Context, name string, ch *chart.Chart, vals map[string]any, o UpgradeOptions) (*Release, error) {
	rel, _, _, err := c.prepareUpgrade(ctx, name, ch, vals, o)
	if err != nil {
		return nil, err
	}
	rel.Info.Description = "Dry run complete"
	if o.DryRun == DryRunServer {
		if err := c.deploy(ctx, rel, nil, o.deploy(render.HookPreUpgrade, render.HookPostUpgrade)); err != nil {
			return rel, fmt.Errorf("server dry run of release %s: %w", name, err)
		}
	}
	return rel, nil
}

// upgrade runs with the lock held.
func (c *Config) upgrade(ctx context.Context, name string, ch *chart.Chart, vals map[string]any, o UpgradeOptions) (*Release, error) {
	rel, last, deployed, err := c.prepareUpgrade(ctx, name, ch, vals, o)
	if err != nil {
		return nil, err
	}
	if err := c.create(ctx, rel, "upgrade"); err != nil {
		return nil, err
	}
	err = c.deploy(ctx, rel, []*Release{deployed, last}, o.deploy(render.HookPreUpgrade, render.HookPostUpgrade))
	if err == nil {
		desc := o.Description
		if desc == "" {
			desc = "Upgrade complete"
		}
		return rel, c.succeed(ctx, rel, desc, o.HistoryMax)
	}
	return rel, c.failUpgrade(ctx, rel, deployed, err, o)
}

func (c *Config) failUpgrade(ctx context.Context, rel, deployed *Release, cause error, o UpgradeOptions) error {
	cause = interruption(ctx, cause)
	ctx = context.WithoutCancel(ctx)
	ferr := c.finish(ctx, rel, StatusFailed, fmt.Sprintf("Upgrade %q failed: %v", rel.Name, cause))
	err := fmt.Errorf("upgrade release %s to revision %d: %w", rel.Name, rel.Version, errors.Join(cause, ferr))
	if o.CleanupOnFail && !o.Atomic {
		if cerr := c.cleanupNew(ctx, rel, deployed); cerr != nil {
			err = fmt.Errorf("%w; cleaning up the objects it created also failed: %v", err, cerr)
		}
	}
	if !o.Atomic {
		return err
	}
	if deployed == nil {
		return fmt.Errorf("%w; no deployed revision to roll back to", err)
	}
	c.logf("upgrade failed; rolling back to revision %d because the upgrade is atomic", deployed.Version)
	ro := RollbackOptions{Namespace: rel.Namespace, Version: deployed.Version, Wait: o.Wait, WaitForJobs: o.WaitForJobs,
		Timeout: o.Timeout, NoHooks: o.NoHooks, ForceConflicts: o.ForceConflicts, HistoryMax: o.HistoryMax}
	rb, rerr := c.rollback(ctx, rel.Name, ro)
	if rerr != nil {
		return fmt.Errorf("%w; rolling back because the upgrade is atomic also failed: %v", err, rerr)
	}
	return fmt.Errorf("%w; rolled back to revision %d (now revision %d) because the upgrade is atomic", err, deployed.Version, rb.Version)
}

// cleanupNew deletes objects rel created that the deployed revision did
// not have.
func (c *Config) cleanupNew(ctx context.Context, rel, deployed *Release) error {
	created, err := c.Kube.Build(ctx, rel.Namespace, rel.Manifest)
	if err != nil {
		return err
	}
	if deployed != nil {
		old, _, err := c.Kube.BuildStored(ctx, rel.Namespace, deployed.Manifest)
		if err != nil {
			return err
		}
		created = kube.Difference(created, old)
	}
	return c.Kube.Delete(ctx, created, kube.Owner{Name: rel.Name, Namespace: rel.Namespace})
}

// succeed marks rel deployed, every earlier deployed revision superseded,
// and prunes history beyond max.
func (c *Config) succeed(ctx context.Context, rel *Release, desc string, max int) error {
	revs, err := c.Store.revisions(ctx, rel.Namespace, rel.Name)
	if err != nil {
		return err
	}
	for _, r := range revs {
		if r.Version == rel.Version || r.Status != StatusDeployed {
			continue
		}
		old, err := c.readOrSummary(ctx, r)
		if err != nil {
			return fmt.Errorf("supersede release %s revision %d: %w", rel.Name, r.Version, err)
		}
		if err := c.setStatus(ctx, old, StatusSuperseded); err != nil {
			return err
		}
	}
	if err := c.finish(ctx, rel, StatusDeployed, desc); err != nil {
		return err
	}
	return c.prune(ctx, rel, revs, max)
}

// prune deletes the oldest revisions beyond max, whichever tool wrote
// them, never the new one.
func (c *Config) prune(ctx context.Context, rel *Release, revs []revision, max int) error {
	if max <= 0 || len(revs) <= max {
		return nil
	}
	excess := len(revs) - max
	for _, r := range revs {
		if excess == 0 {
			break
		}
		if r.Version == rel.Version {
			continue
		}
		if err := c.Store.Delete(ctx, rel.Namespace, rel.Name, r.Version); err != nil {
			return err
		}
		excess--
	}
	return nil
}
