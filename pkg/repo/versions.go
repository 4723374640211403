package repo

import (
	"context"
	"fmt"
	"strings"
)

// ListVersions lists the versions of the chart req.Ref names, newest first
// by SemVer, filtered by req.Version when it is a constraint. For oci://
// references the registry's tags are listed (Helm cannot do this); for
// REPO/CHART or --repo the index is read.
func ListVersions(ctx context.Context, req ChartRequest) ([]string, error) {
	var all []string
	switch {
	case IsOCI(req.Ref):
		reg, err := NewRegistry(RegistryOptions{Auth: req.Auth, CredentialsFile: req.Paths.RegistryConfig})
		if err != nil {
			return nil, err
		}
		if all, err = reg.Tags(ctx, req.Ref); err != nil {
			return nil, err
		}
	default:
		idx, name, err := indexFor(ctx, req)
		if err != nil {
			return nil, err
		}
		vs, ok := idx.Entries[name]
		if !ok {
			return nil, fmt.Errorf("chart %q not found in %s", name, req.Ref)
		}
		for _, v := range vs {
			all = append(all, v.Version)
		}
	}
	if req.Version == "" && req.Devel {
		return all, nil
	}
	constraint := req.Version
	if constraint == "" {
		constraint = "*" // stable versions only
	}
	if _, err := parseConstraint(constraint, false); err != nil {
		return nil, err
	}
	var out []string
	for _, v := range all {
		if checkVersion(v, constraint, false) == nil {
			out = append(out, v)
		}
	}
	return out, nil
}

// indexFor loads the index req points at: --repo URL, or the cached index
// of REPO in "REPO/CHART".
func indexFor(ctx context.Context, req ChartRequest) (*IndexFile, string, error) {
	if req.RepoURL != "" {
		idx, err := fetchIndexFor(ctx, req.RepoURL, req.Auth)
		return idx, req.Ref, err
	}
	repoName, name, ok := strings.Cut(req.Ref, "/")
	if !ok {
		return nil, "", &NotRepoChartError{Ref: req.Ref}
	}
	idx, err := LoadCachedIndex(req.Paths, repoName, nil)
	return idx, name, err
}
