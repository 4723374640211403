package kube

import (
	"context"
	"fmt"
	"sort"

	"k8s.io/client-go/discovery"

	"github.com/kpkg/kpkg/pkg/render"
)

// Capabilities reads what templates see as .Capabilities from the cluster:
// the server's version, and every served group/version plus
// group/version/Kind, as Helm reports them against a live cluster.
func (c *Client) Capabilities(ctx context.Context) (*render.Capabilities, error) {
	disc := c.core.Discovery()
	sv, err := disc.ServerVersion()
	if err != nil {
		return nil, fmt.Errorf("read the server version of %s (is the cluster reachable?): %w", c.Host(), err)
	}
	groups, resources, err := disc.ServerGroupsAndResources()
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return nil, fmt.Errorf("discover the API versions of %s: %w", c.Host(), err)
	}
	seen := map[string]bool{}
	for _, g := range groups {
		for _, v := range g.Versions {
			seen[v.GroupVersion] = true
		}
	}
	for _, list := range resources {
		for _, r := range list.APIResources {
			seen[list.GroupVersion+"/"+r.Kind] = true
		}
	}
	apis := make(render.VersionSet, 0, len(seen))
	for v := range seen {
		apis = append(apis, v)
	}
	sort.Strings(apis)
	caps := render.DefaultCapabilities()
	caps.APIVersions = apis
	caps.KubeVersion = render.KubeVersion{Version: sv.GitVersion, Major: sv.Major, Minor: sv.Minor}
	return caps, ctx.Err()
}
