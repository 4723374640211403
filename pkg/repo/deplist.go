package repo

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/kpkg/kpkg/pkg/chart"
)

// DependencyStatus is one row of 'dependency list'.
type DependencyStatus struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	Repository string `json:"repository"`
	// Status is Helm's word for it: ok (a matching archive in charts/),
	// unpacked (a matching chart loaded from charts/), missing, wrong
	// version, invalid version, misnamed, corrupt, too many matches.
	Status string `json:"status"`
}

// DependencyList is what 'dependency list' reports of a chart.
type DependencyList struct {
	// Declared is false when the chart declares no dependencies at all
	// (no dependencies key), which Helm reports instead of a table.
	Declared bool
	// Dependencies are the declared dependencies in declaration order.
	Dependencies []DependencyStatus
	// Strays are the charts/ entries (archives and directories) that are
	// not a declared dependency, in directory order.
	Strays []Stray
}

// Stray is an entry of charts/ that no declared dependency accounts for.
type Stray struct {
	// Path is the entry's path, as the chart path was given.
	Path string
	// NotAChart is set when the entry does not load as a chart.
	NotAChart bool
}

// ListDependencies reports, for each dependency a chart (a directory or an
// archive; apiVersion v1 charts list requirements.yaml) declares, whether
// it is present, with Helm's rules and words, and which entries of charts/
// no declaration accounts for. A file:// dependency that charts/ does not
// vendor is missing, as Helm sees it.
func ListDependencies(chartPath string) (*DependencyList, error) {
	c, err := chart.Load(chartPath)
	if err != nil {
		return nil, err
	}
	out := &DependencyList{Declared: c.Metadata.Dependencies != nil}
	if !out.Declared {
		return out, nil
	}
	declared := map[string]bool{}
	for _, d := range c.Metadata.Dependencies {
		if d == nil {
			continue
		}
		declared[d.Name] = true
		out.Dependencies = append(out.Dependencies, DependencyStatus{Name: d.Name, Version: d.Version, Repository: d.Repository,
			Status: dependencyStatus(chartPath, d, c)})
	}
	out.Strays = strays(chartPath, declared)
	return out, nil
}

// dependencyStatus looks first for archives named <name>-*.tgz in
// charts/ (where several match, only those named with a strict SemVer
// count), then at the subcharts the chart loaded.
func dependencyStatus(chartPath string, d *chart.Dependency, parent *chart.Chart) string {
	archives, _ := filepath.Glob(filepath.Join(chartPath, "charts", d.Name+"-*.tgz"))
	if len(archives) > 1 {
		var strict []string
		for _, a := range archives {
			v := strings.TrimPrefix(strings.TrimSuffix(filepath.Base(a), ".tgz"), d.Name+"-")
			if _, err := semver.StrictNewVersion(v); err == nil {
				strict = append(strict, a)
			}
		}
		if len(strict) > 1 {
			return "too many matches"
		}
		archives = strict
	}
	if len(archives) == 1 {
		if s := archiveStatus(archives[0], d); s != "" {
			return s
		}
	}
	var sub *chart.Chart
	for _, c := range parent.Dependencies() {
		if c.Name() == d.Name && !c.LoadedFromPath() {
			sub = c
		}
	}
	if sub == nil {
		return "missing"
	}
	if s := versionStatus(sub.Metadata.Version, d.Version); s != "" {
		return s
	}
	return "unpacked"
}

// archiveStatus judges one candidate archive; "" means it is not there.
func archiveStatus(p string, d *chart.Dependency) string {
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	c, err := chart.Load(p)
	if err != nil {
		return "corrupt"
	}
	if c.Name() != d.Name {
		return "misnamed"
	}
	if s := versionStatus(c.Metadata.Version, d.Version); s != "" {
		return s
	}
	return "ok"
}

// versionStatus is "" when have is the version asked for or satisfies the
// constraint, else Helm's word for what is wrong. An empty constraint is
// not a valid one.
func versionStatus(have, want string) string {
	if have == want {
		return ""
	}
	constraint, err := semver.NewConstraint(want)
	if err != nil {
		return "invalid version"
	}
	v, err := semver.NewVersion(have)
	if err != nil {
		return "invalid version"
	}
	if !constraint.Check(v) {
		return "wrong version"
	}
	return ""
}

// strays lists the archives and directories in charts/ that are not
// charts, or are charts no declaration names.
func strays(chartPath string, declared map[string]bool) []Stray {
	entries, _ := filepath.Glob(filepath.Join(chartPath, "charts", "*"))
	var out []Stray
	for _, e := range entries {
		fi, err := os.Stat(e)
		if err != nil || (!fi.IsDir() && filepath.Ext(e) != ".tgz") {
			continue
		}
		c, err := chart.Load(e)
		switch {
		case err != nil:
			out = append(out, Stray{Path: e, NotAChart: true})
		case !declared[c.Name()]:
			out = append(out, Stray{Path: e})
		}
	}
	return out
}
