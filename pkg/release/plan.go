package release

import (
	"context"

	"github.com/kpkg/kpkg/pkg/chart"
)

// PlanUpgrade renders what Upgrade with o would deploy and returns it with
// the revision it would replace: the deployed one, else the newest. It reads
// the cluster (capabilities, lookup) but changes nothing and takes no lock.
// With o.Install and no release of that name, current is nil.
func PlanUpgrade(ctx context.Context, c *Config, name string, ch *chart.Chart, vals map[string]any, o UpgradeOptions) (current, next *Release, err error) {
	o.DryRun = DryRunServer
	if o.Install {
		if absent, err := c.installable(ctx, o.Namespace, name); err != nil {
			return nil, nil, err
		} else if absent {
			next, _, err := c.renderRelease(ctx, renderSpec{chart: ch, values: vals, base: o.Render, post: o.PostRender,
				name: name, namespace: o.Namespace, version: 1, dry: DryRunServer})
			return nil, next, err
		}
	}
	next, last, deployed, err := c.prepareUpgrade(ctx, name, ch, vals, o)
	if err != nil {
		return nil, nil, err
	}
	if deployed != nil {
		return deployed, next, nil
	}
	return last, next, nil
}

// Current returns the revision a release runs: the deployed one, else the
// newest.
func Current(ctx context.Context, c *Config, namespace, name string) (*Release, error) {
	revs, err := c.Store.revisions(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	last, deployed, err := c.lastAndDeployed(ctx, revs)
	if deployed != nil {
		return deployed, err
	}
	return last, err
}
