package release

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/kpkg/kpkg/pkg/internal/parallel"
	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/release/storage"
	"k8s.io/apimachinery/pkg/labels"
)

// History returns a release's revisions, oldest first, the newest max when
// max > 0. A revision that cannot be read is listed as damaged rather than
// failing the whole history.
func History(ctx context.Context, c *Config, namespace, name string, max int) ([]*Release, error) {
	revs, err := c.Store.revisions(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	if max > 0 && len(revs) > max {
		revs = revs[len(revs)-max:]
	}
	return c.readAll(ctx, revs)
}

// readAll reads revisions in full, a few at a time; damaged ones become
// summaries that say so.
func (c *Config) readAll(ctx context.Context, revs []revision) ([]*Release, error) {
	out := make([]*Release, len(revs))
	errs := make([]error, len(revs))
	sem := make(chan struct{}, 8)
	var wg parallel.Group // a panic is raised here, not as a goroutine dump
	for i, r := range revs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i], errs[i] = c.Store.get(ctx, r)
			var corrupt *storage.CorruptError
			if errors.As(errs[i], &corrupt) {
				out[i], errs[i] = damaged(r, corrupt), nil
			}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// Get reads one revision in full; version 0 means the newest.
func Get(ctx context.Context, c *Config, namespace, name string, version int) (*Release, error) {
	if version == 0 {
		return c.lastRelease(ctx, namespace, name)
	}
	return c.Store.Get(ctx, namespace, name, version)
}

// StatusResult is a revision and the live readiness of its objects.
type StatusResult struct {
	*Release
	Resources []kube.ObjectStatus `json:"resources,omitempty"`
}

// GetStatus reads a revision (0: the newest) and, unless it is uninstalled,
// the live status of every object it rendered.
func GetStatus(ctx context.Context, c *Config, namespace, name string, version int) (*StatusResult, error) {
	rel, err := Get(ctx, c, namespace, name, version)
	if err != nil {
		return nil, err
	}
	res := &StatusResult{Release: rel}
	if rel.Info.Status == StatusUninstalled {
		return res, nil
	}
	infos, _, err := c.Kube.BuildStored(ctx, rel.Namespace, rel.Manifest)
	if err != nil {
		return nil, fmt.Errorf("status of release %s: %w", name, err)
	}
	if res.Resources, err = c.Kube.Statuses(ctx, infos); err != nil {
		return nil, fmt.Errorf("status of release %s: %w", name, err)
	}
	return res, nil
}

// ListOptions filter List. The zero value lists deployed and failed
// releases of Namespace.
type ListOptions struct {
	Namespace     string
	AllNamespaces bool
	// States keeps releases whose newest revision has one of these
	// statuses; empty means deployed and failed, as Helm's default.
	States []Status
	// All keeps every status.
	All bool
	// Filter keeps release names matching it.
	Filter string
	// Selector keeps releases whose storage labels match it (Helm's
	// --selector).
	Selector string
	// ByDate orders by last deployment, oldest first, instead of by name.
	ByDate bool
	// Reverse reverses the order.
	Reverse bool
	// Offset skips that many releases of the ordered list; Max keeps at
	// most that many after it (0: no limit).
	Offset, Max int
}

// List returns the newest revision of each release, by namespace and name,
// as Helm's list does: only superseded revisions asked for lists every
// superseded revision instead.
func List(ctx context.Context, c *Config, o ListOptions) ([]*Release, error) {
	var re *regexp.Regexp
	if o.Filter != "" {
		var err error
		if re, err = regexp.Compile(o.Filter); err != nil {
			return nil, fmt.Errorf("invalid release name filter %q: %w", o.Filter, err)
		}
	}
	sel, err := labels.Parse(o.Selector)
	if err != nil {
		return nil, fmt.Errorf("invalid label selector %q: %w", o.Selector, err)
	}
	ns := o.Namespace
	if o.AllNamespaces {
		ns = ""
	}
	all, err := c.Store.index(ctx, ns, "")
	if err != nil {
		return nil, err
	}
	states := o.States
	if len(states) == 0 {
		states = []Status{StatusDeployed, StatusFailed}
	}
	onlySuperseded := !o.All && len(states) == 1 && states[0] == StatusSuperseded
	var keep []revision
	for i, r := range all {
		newest := i == len(all)-1 || all[i+1].Name != r.Name || all[i+1].Namespace != r.Namespace
		switch {
		case !newest && !onlySuperseded,
			re != nil && !re.MatchString(r.Name),
			!o.All && !slices.Contains(states, r.Status),
			!sel.Matches(labels.Set(r.Labels)):
			continue
		}
		keep = append(keep, r)
	}
	out, err := c.readAll(ctx, keep)
	if err != nil {
		return nil, err
	}
	orderReleases(out, o.ByDate, o.Reverse)
	return page(out, o.Offset, o.Max), nil
}

// orderReleases sorts as Helm's list does: by name, or by deployment time
// to the second, either reversed. Ties keep namespace order, so the output
// does not depend on the sort's stability.
func orderReleases(rels []*Release, byDate, reverse bool) {
	slices.SortStableFunc(rels, func(a, b *Release) int {
		if byDate {
			return cmp.Compare(a.Info.LastDeployed.Unix(), b.Info.LastDeployed.Unix())
		}
		return strings.Compare(a.Name, b.Name)
	})
	if reverse {
		slices.Reverse(rels)
	}
}

// page returns at most limit releases starting at offset; limit 0 means
// all.
func page(rels []*Release, offset, limit int) []*Release {
	if offset >= len(rels) {
		return nil
	}
	rels = rels[max(offset, 0):]
	if limit > 0 && limit < len(rels) {
		rels = rels[:limit]
	}
	return rels
}
