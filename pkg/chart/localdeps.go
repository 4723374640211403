package chart

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// resolveLocalDependencies attaches dependencies declared with a file://
// repository that charts/ does not vendor, loading them from the path
// relative to dir. This is what lets `kpkg template charts/todo-app` work from
// a clean clone with no `dependency build` step; vendored copies win.
//
// Each dependency loads one level deeper, sharing the load's limits; one that
// leads back to a chart being loaded is a DependencyCycleError.
func (s *loadState) resolveLocalDependencies(c *Chart, dir string) error {
	for _, dep := range c.Metadata.Dependencies {
		if dep == nil || !strings.HasPrefix(dep.Repository, "file://") || c.hasSubchart(dep.Name) {
			continue
		}
		rel := strings.TrimPrefix(dep.Repository, "file://")
		target := rel
		if !filepath.IsAbs(rel) {
			target = filepath.Join(dir, rel)
		}
		origin := filepath.Join(dir, "Chart.yaml")
		deeper, err := s.sub(origin)
		if err != nil {
			return err
		}
		sub, err := deeper.load(target)
		var cycle *DependencyCycleError
		if errors.As(err, &cycle) {
			return err
		}
		if err != nil {
			return fmt.Errorf("%s: dependency %q from %s: %w", filepath.Join(dir, "Chart.yaml"), dep.Name, dep.Repository, err)
		}
		if sub.Name() != dep.Name {
			return &FileError{Path: filepath.Join(dir, "Chart.yaml"), Err: fmt.Errorf("dependency %q points at %s, which holds chart %q", dep.Name, dep.Repository, sub.Name())}
		}
		sub.fromPath = true
		c.AddDependency(sub)
	}
	return nil
}

// providesDependency reports whether a subchart named name is attached;
// fromPath says whether one loaded from a file:// path counts.
func (c *Chart) providesDependency(name string, fromPath bool) bool {
	for _, d := range c.dependencies {
		if d.Name() == name && (fromPath || !d.fromPath) {
			return true
		}
	}
	return false
}

func (c *Chart) hasSubchart(name string) bool {
	for _, d := range c.dependencies {
		if d.Name() == name {
			return true
		}
	}
	return false
}

// CheckDependencies reports declared dependencies that no subchart provides.
func CheckDependencies(c *Chart) error {
	return checkDependencies(c, true)
}

// CheckVendoredDependencies reports declared dependencies that the chart's
// charts/ directory does not hold, counting a file:// dependency loaded
// from its path as missing: what Helm requires before it packages a chart.
func CheckVendoredDependencies(c *Chart) error {
	return checkDependencies(c, false)
}

func checkDependencies(c *Chart, fromPath bool) error {
	var missing []string
	for _, dep := range c.Metadata.Dependencies {
		if dep != nil && !c.providesDependency(dep.Name, fromPath) {
			missing = append(missing, dep.Name)
		}
	}
	if len(missing) > 0 {
		return &MissingDependenciesError{Chart: c.Name(), Missing: missing}
	}
	return nil
}

// MissingDependenciesError names the dependencies of Chart.yaml that the
// chart's charts/ directory does not provide.
type MissingDependenciesError struct {
	Chart   string
	Missing []string
}

func (e *MissingDependenciesError) Error() string {
	return fmt.Sprintf("chart %s: found in Chart.yaml, but missing in charts/ directory: %s", e.Chart, strings.Join(e.Missing, ", "))
}
