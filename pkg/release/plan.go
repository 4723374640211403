package release

import (
	"context"
	"errors"

	"github.com/kpkg/kpkg/pkg/chart"
)

// PlanUpgrade renders what Upgrade with o would deploy and returns it with
// the revision it would replace: the deployed one, else the newest. It reads
// the cluster (capabilities, lookup) but changes nothing and takes no lock.
// With o.Install and no release of that name, current is nil.
func PlanUpgrade(ctx context.Context, c *Config, name string, ch *chart.Chart, vals map[string]any, o UpgradeOptions) (current, next *Release, err error) {
	o.DryRun = DryRunServer
	if o.Install {
		hist, err := c.Store.History(ctx, o.Namespace, name)
		if errors.Is(err, ErrNotFound) || err == nil && hist[len(hist)-1].Info.Status == StatusUninstalled {
			next, _, err := c.renderRelease(ctx, ch, vals, o.Render, name, o.Namespace, 1, false, DryRunServer)
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
	hist, err := c.Store.History(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	version := hist[len(hist)-1].Version
	for i := len(hist) - 1; i >= 0; i-- {
		if hist[i].Info.Status == StatusDeployed {
			version = hist[i].Version
			break
		}
	}
	return c.Store.Get(ctx, namespace, name, version)
}
