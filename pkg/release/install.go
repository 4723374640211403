package release

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/postrender"
	"github.com/kpkg/kpkg/pkg/render"
)

// InstallOptions are install's flags. The zero value installs without
// waiting, with hooks and CRDs, and fails on foreign objects and conflicts.
type InstallOptions struct {
	Name      string
	Namespace string
	// Render is the base render configuration; Release is filled in, and
	// Capabilities and Lookup come from the cluster when nil.
	Render render.Options
	// PostRender, when set, rewrites the rendered manifest (Helm's
	// --post-renderer).
	PostRender      *postrender.Options
	CreateNamespace bool
	Description     string
	Wait            bool
	WaitForJobs     bool
	Timeout         time.Duration
	// Atomic uninstalls the release if the install fails.
	Atomic         bool
	DryRun         DryRun
	NoHooks        bool
	SkipCRDs       bool
	TakeOwnership  bool
	ForceConflicts bool
	Labels         map[string]string
	// Replace reuses the name of a release whose newest revision failed,
	// as a new revision after it (Helm's --replace); an uninstalled
	// release's name is reused either way.
	Replace bool
}

func (o InstallOptions) deploy() deployOptions {
	return deployOptions{
		Wait: o.Wait, WaitForJobs: o.WaitForJobs, Timeout: o.Timeout, NoHooks: o.NoHooks,
		TakeOwnership: o.TakeOwnership, ForceConflicts: o.ForceConflicts,
		DryRun: o.DryRun == DryRunServer, Pre: render.HookPreInstall, Post: render.HookPostInstall,
	}
}

// Install installs ch as a new release. A name in use by a release that is
// not uninstalled is refused.
func Install(ctx context.Context, c *Config, ch *chart.Chart, vals map[string]any, o InstallOptions) (*Release, error) {
	if err := ValidateName(o.Name); err != nil {
		return nil, err
	}
	if err := checkLabels(o.Labels); err != nil {
		return nil, err
	}
	if o.DryRun != DryRunNone {
		return c.dryRunInstall(ctx, ch, vals, o)
	}
	if o.CreateNamespace {
		if err := c.createNamespace(ctx, o.Namespace); err != nil {
			return nil, err
		}
	}
	var rel *Release
	err := c.withLock(ctx, o.Namespace, o.Name, "install", func(ctx context.Context) error {
		var err error
		rel, err = c.install(ctx, ch, vals, o)
		return err
	})
	return rel, err
}

func (c *Config) dryRunInstall(ctx context.Context, ch *chart.Chart, vals map[string]any, o InstallOptions) (*Release, error) {
	rel, _, err := c.renderRelease(ctx, renderSpec{chart: ch, values: vals, base: o.Render, post: o.PostRender,
		name: o.Name, namespace: o.Namespace, version: 1, dry: o.DryRun})
	if err != nil {
		return nil, err
	}
	rel.Info.Status, rel.Info.Description = StatusPendingInstall, "Dry run complete"
	if o.DryRun == DryRunServer {
		if err := c.deploy(ctx, rel, nil, o.deploy()); err != nil {
			return rel, fmt.Errorf("server dry run of release %s: %w", o.Name, err)
		}
	}
	return rel, nil
}

// install runs with the lock held.
func (c *Config) install(ctx context.Context, ch *chart.Chart, vals map[string]any, o InstallOptions) (*Release, error) {
	version, err := c.nextInstallVersion(ctx, o.Namespace, o.Name, o.Replace)
	if err != nil {
		return nil, err
	}
	rel, crds, err := c.renderRelease(ctx, renderSpec{chart: ch, values: vals, base: o.Render, post: o.PostRender,
		name: o.Name, namespace: o.Namespace, version: version})
	if err != nil {
		return nil, err
	}
	rel.Labels = o.Labels
	rel.Info.FirstDeployed = rel.Info.LastDeployed
	rel.Info.Status, rel.Info.Description = StatusPendingInstall, "Initial install underway"
	if err := c.create(ctx, rel, "install"); err != nil {
		return nil, err
	}
	err = c.installObjects(ctx, rel, crds, o)
	if err == nil {
		desc := o.Description
		if desc == "" {
			desc = "Install complete"
		}
		return rel, c.finish(ctx, rel, StatusDeployed, desc)
	}
	err = interruption(ctx, err)
	ferr := c.finish(ctx, rel, StatusFailed, fmt.Sprintf("Release %q failed: %v", rel.Name, err))
	err = fmt.Errorf("install release %s: %w", rel.Name, errors.Join(err, ferr))
	if o.Atomic {
		c.logf("install failed; uninstalling release %s because the install is atomic", rel.Name)
		uerr := c.uninstall(context.WithoutCancel(ctx), rel.Namespace, rel.Name, UninstallOptions{Timeout: o.Timeout, Wait: o.Wait})
		if uerr != nil {
			return rel, fmt.Errorf("%w; uninstalling it because the install is atomic also failed: %v", err, uerr)
		}
		return rel, fmt.Errorf("%w; the release was uninstalled because the install is atomic", err)
	}
	return rel, err
}

func (c *Config) installObjects(ctx context.Context, rel *Release, crds []chart.CRDFile, o InstallOptions) error {
	if !o.SkipCRDs && len(crds) > 0 {
		c.logf("installing %d CRD file(s)", len(crds))
		if err := c.Kube.InstallCRDs(ctx, crdManifest(crds), o.Timeout); err != nil {
			return err
		}
	}
	return c.deploy(ctx, rel, nil, o.deploy())
}

// nextInstallVersion is 1 for a new name, or the next revision after an
// uninstalled release whose history was kept (or, with replace, a failed
// one).
func (c *Config) nextInstallVersion(ctx context.Context, namespace, name string, replace bool) (int, error) {
	revs, err := c.Store.revisions(ctx, namespace, name)
	if errors.Is(err, ErrNotFound) {
		return 1, nil
	}
	if err != nil {
		return 0, err
	}
	last := revs[len(revs)-1]
	if last.Status != StatusUninstalled && !(replace && last.Status == StatusFailed) {
		return 0, &NameInUseError{Name: name, Namespace: namespace, Status: last.Status, Version: last.Version}
	}
	return last.Version + 1, nil
}

func (c *Config) createNamespace(ctx context.Context, ns string) error {
	obj := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{"name": ns}}}
	_, err := c.Kube.Core().CoreV1().Namespaces().Create(ctx, obj, metav1.CreateOptions{FieldManager: kube.FieldManager})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", ns, err)
	}
	return nil
}
