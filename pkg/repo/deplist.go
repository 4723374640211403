package repo

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/kpkg/kpkg/pkg/chart"
)

// DependencyStatus is one row of 'dependency list'.
type DependencyStatus struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	Repository string `json:"repository"`
	// Status is Helm's word for it: ok, unpacked, missing, wrong version,
	// misnamed, invalid version, too many matches, corrupt.
	Status string `json:"status"`
}

// ListDependencies reports, for each dependency in Chart.yaml, whether
// charts/ satisfies it, plus the archives in charts/ that Chart.yaml does
// not mention.
func ListDependencies(dir string) ([]DependencyStatus, []string, error) {
	cf, err := readChartFiles(dir)
	if err != nil {
		return nil, nil, err
	}
	var out []DependencyStatus
	known := map[string]bool{}
	for _, d := range cf.md.Dependencies {
		if d == nil {
			continue
		}
		known[d.Name] = true
		out = append(out, DependencyStatus{Name: d.Name, Version: d.Version, Repository: d.Repository, Status: dependencyStatus(dir, d)})
	}
	var extra []string
	archives, _ := filepath.Glob(filepath.Join(dir, "charts", "*.tgz"))
	sort.Strings(archives)
	for _, a := range archives {
		c, err := chart.Load(a)
		if err != nil || !known[c.Name()] {
			extra = append(extra, a)
		}
	}
	return out, extra, nil
}

func dependencyStatus(dir string, d *chart.Dependency) string {
	constraint, err := semver.NewConstraint(orAny(d.Version))
	if err != nil {
		return "invalid version"
	}
	var candidates []string
	matches, _ := filepath.Glob(filepath.Join(dir, "charts", d.Name+"-*.tgz"))
	for _, m := range matches {
		if looksLikeVersion(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), d.Name+"-"), ".tgz")) {
			candidates = append(candidates, m)
		}
	}
	switch len(candidates) {
	case 0:
	case 1:
		return checkVendored(candidates[0], d.Name, constraint, "ok")
	default:
		return "too many matches"
	}
	if fi, err := os.Stat(filepath.Join(dir, "charts", d.Name)); err == nil && fi.IsDir() {
		return checkVendored(filepath.Join(dir, "charts", d.Name), d.Name, constraint, "unpacked")
	}
	return "missing"
}

func checkVendored(p, name string, constraint *semver.Constraints, good string) string {
	c, err := chart.Load(p)
	if err != nil {
		return "corrupt"
	}
	if c.Name() != name {
		return "misnamed"
	}
	v, err := semver.NewVersion(c.Metadata.Version)
	if err != nil || !constraint.Check(v) {
		return "wrong version"
	}
	return good
}

func orAny(v string) string {
	if v == "" {
		return "*"
	}
	return v
}

func looksLikeVersion(s string) bool {
	_, err := semver.NewVersion(s)
	return err == nil
}
