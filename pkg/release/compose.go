package release

import (
	"context"
	"fmt"
	"regexp"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/postrender"
	"github.com/kpkg/kpkg/pkg/release/record"
	"github.com/kpkg/kpkg/pkg/release/storage/helmv1"
	"github.com/kpkg/kpkg/pkg/render"
)

// DryRun selects a dry run: "" none, "client" renders only, "server" also
// lets templates look up live objects and has the API server validate the
// objects without persisting them.
type DryRun string

// Dry-run modes.
const (
	DryRunNone   DryRun = ""
	DryRunClient DryRun = "client"
	DryRunServer DryRun = "server"
)

// renderSpec is what renderRelease renders.
type renderSpec struct {
	chart           *chart.Chart
	values          map[string]any
	base            render.Options
	post            *postrender.Options
	name, namespace string
	version         int
	upgrade         bool
	dry             DryRun
}

// renderRelease renders a revision of a release and returns it (status
// empty), not yet stored, with the CRDs to install first. A post-renderer
// rewrites the manifest (not the hooks, not the CRDs), as Helm's does.
func (c *Config) renderRelease(ctx context.Context, s renderSpec) (*Release, []chart.CRDFile, error) {
	ch, vals, name, namespace, dry := s.chart, s.values, s.name, s.namespace, s.dry
	opts := s.base
	opts.Release = render.Release{Name: name, Namespace: namespace, Revision: s.version, IsUpgrade: s.upgrade}
	if opts.Capabilities == nil {
		info, err := c.Kube.ServerInfo(ctx)
		if err != nil {
			return nil, nil, err
		}
		opts.Capabilities = capabilitiesOf(info)
	}
	if opts.Lookup == nil && dry != DryRunClient {
		opts.Lookup = c.Kube.Lookup(ctx)
	}
	res, err := render.Render(ctx, ch, vals, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("render chart %s for release %s: %w", ch.Name(), name, err)
	}
	if s.post != nil {
		out, err := postrender.Run(ctx, *s.post, []byte(res.Manifest(false)))
		if err != nil {
			return nil, nil, fmt.Errorf("release %s: %w", name, err)
		}
		res.SetPostRendered(string(out))
	}
	rel := NewRevision(ch, res, vals, name, namespace, s.version)
	return rel, res.CRDs, nil
}

// NewRevision is the revision of a release that a render of ch with the
// user's values vals makes, not yet stored (its status is empty).
func NewRevision(ch *chart.Chart, res *render.Result, vals map[string]any, name, namespace string, version int) *Release {
	rel := &Release{
		Name: name, Namespace: namespace, Version: version,
		Info:        &Info{Notes: res.Notes, LastDeployed: now()},
		Chart:       chartRecord(ch, res.Chart),
		Config:      vals,
		Manifest:    res.Manifest(false),
		ApplyMethod: record.ApplyServerSide,
	}
	for _, h := range res.Hooks {
		rel.Hooks = append(rel.Hooks, hookRecord(h))
	}
	return rel
}

// chartRecord is what a revision keeps of its chart: the metadata and
// values after dependency processing (as Helm stores them), and the lock.
func chartRecord(loaded, processed *chart.Chart) *record.Chart {
	md := *processed.Metadata
	return &record.Chart{Metadata: &md, Lock: loaded.Lock, Values: processed.Values}
}

func hookRecord(h *render.Hook) *Hook {
	events := make([]string, len(h.Events))
	for i, e := range h.Events {
		events[i] = string(e)
	}
	return &Hook{
		Name: h.Name, Kind: h.Kind, Path: h.Path, Manifest: h.Manifest, Events: events,
		Weight: h.Weight, DeletePolicies: h.DeletePolicies, OutputLogPolicies: h.OutputLogPolicies,
	}
}

func now() record.Time { return record.Now() }

// crdManifest is the CRDs of a render result as one YAML stream.
func crdManifest(files []chart.CRDFile) string {
	var s string
	for _, f := range files {
		s += "---\n" + string(f.File.Data) + "\n"
	}
	return s
}

var validName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// ValidateName applies Helm's rule for release names.
func ValidateName(name string) error {
	if name == "" || len(name) > 53 || !validName.MatchString(name) {
		return fmt.Errorf("invalid release name %q: use at most 53 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit", name)
	}
	return nil
}

// checkLabels rejects release labels the store writes itself.
func checkLabels(labels map[string]string) error {
	for k := range labels {
		if helmv1.IsSystemLabel(k) {
			return fmt.Errorf("label %q is reserved for the release store's own use: choose another name", k)
		}
	}
	return nil
}

// capabilitiesOf is what templates see as .Capabilities on a live cluster.
func capabilitiesOf(info *kube.ServerInfo) *render.Capabilities {
	caps := render.DefaultCapabilities()
	caps.APIVersions = render.VersionSet(info.APIVersions)
	caps.KubeVersion = render.KubeVersion{Version: info.GitVersion, Major: info.Major, Minor: info.Minor}
	return caps
}
