package kube

import (
	"context"
	"fmt"
	"sort"

	"k8s.io/client-go/discovery"
)

// ServerInfo is what the cluster tells about itself that templates see as
// .Capabilities.
type ServerInfo struct {
	// GitVersion, Major and Minor are the server's version.
	GitVersion, Major, Minor string
	// APIVersions lists every served group/version and
	// group/version/Kind, sorted, as Helm reports them against a live
	// cluster.
	APIVersions []string
}

// ServerInfo reads the server's version and every API version it serves.
func (c *Client) ServerInfo(ctx context.Context) (*ServerInfo, error) {
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
	apis := make([]string, 0, len(seen))
	for v := range seen {
		apis = append(apis, v)
	}
	sort.Strings(apis)
	return &ServerInfo{GitVersion: sv.GitVersion, Major: sv.Major, Minor: sv.Minor, APIVersions: apis}, ctx.Err()
}
