package render

import (
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/kpkg/kpkg/pkg/chart"
)

// prepareDependencies resolves aliases, conditions and tags, removes
// disabled subcharts, and applies import-values, mutating the chart tree it
// is given (callers pass a private copy, see cloneTree).
func prepareDependencies(c *chart.Chart, vals Values, warn func(string, ...any)) error {
	if err := enableDependencies(c, vals, "", warn); err != nil {
		return err
	}
	return importDependencyValues(c, warn)
}

// cloneTree copies the parts of a chart tree that dependency processing
// mutates (metadata, dependency entries, the subchart lists, values), so a
// loaded chart can be rendered many times.
func cloneTree(c *chart.Chart) *chart.Chart {
	out := c.ShallowCopy()
	md := out.Metadata
	if md.Dependencies != nil {
		deps := make([]*chart.Dependency, len(md.Dependencies))
		for i, d := range md.Dependencies {
			if d != nil {
				dc := *d
				d = &dc
			}
			deps[i] = d
		}
		md.Dependencies = deps
	}
	subs := make([]*chart.Chart, 0, len(c.Dependencies()))
	for _, sub := range c.Dependencies() {
		subs = append(subs, cloneTree(sub))
	}
	out.SetDependencies(subs...)
	return out
}

func compatibleRange(constraint, version string) bool {
	v, err := semver.NewVersion(version)
	if err != nil {
		return false
	}
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return false
	}
	return c.Check(v)
}

func enableDependencies(c *chart.Chart, vals Values, path string, warn func(string, ...any)) error {
	reqs := c.Metadata.Dependencies
	if reqs == nil {
		return nil
	}
	// Subcharts no dependency entry claims stay as they are.
	var attached []*chart.Chart
	for _, have := range c.Dependencies() {
		claimed := false
		for _, req := range reqs {
			if req != nil && have.Name() == req.Name && compatibleRange(req.Version, have.Metadata.Version) {
				claimed = true
				break
			}
		}
		if !claimed {
			attached = append(attached, have)
		}
	}
	for _, req := range reqs {
		if req == nil {
			continue
		}
		if sub := findDependency(c.Dependencies(), req); sub != nil {
			attached = append(attached, sub)
		}
		if req.Alias != "" {
			req.Name = req.Alias
		}
	}
	c.SetDependencies(attached...)

	for _, req := range reqs {
		if req != nil {
			req.Enabled = true
		}
	}
	cvals, err := CoalesceValues(c, vals, warn)
	if err != nil {
		return err
	}
	applyTags(reqs, cvals, warn)
	applyConditions(reqs, cvals, path, warn)

	disabled := map[string]bool{}
	for _, req := range reqs {
		if req != nil && !req.Enabled {
			disabled[req.Name] = true
		}
	}
	var keep []*chart.Chart
	for _, sub := range c.Dependencies() {
		if !disabled[sub.Name()] {
			keep = append(keep, sub)
		}
	}
	var keepReqs []*chart.Dependency
	for _, req := range reqs {
		if req != nil && !disabled[req.Name] {
			keepReqs = append(keepReqs, req)
		}
	}
	for _, sub := range keep {
		if err := enableDependencies(sub, cvals, path+sub.Name()+".", warn); err != nil {
			return err
		}
	}
	c.Metadata.Dependencies = keepReqs
	c.SetDependencies(keep...)
	return nil
}

// findDependency returns a copy of the loaded subchart that req names, renamed
// to req's alias.
func findDependency(subs []*chart.Chart, req *chart.Dependency) *chart.Chart {
	for _, sub := range subs {
		if sub == nil || sub.Name() != req.Name || !compatibleRange(req.Version, sub.Metadata.Version) {
			continue
		}
		out := sub.ShallowCopy()
		out.SetDependencies(sub.Dependencies()...)
		if req.Alias != "" {
			out.Metadata.Name = req.Alias
		}
		return out
	}
	return nil
}

// applyTags enables a dependency when any of its tags is true, and disables it
// when all of its set tags are false.
func applyTags(reqs []*chart.Dependency, cvals Values, warn func(string, ...any)) {
	tags, ok := table(cvals, "tags")
	if !ok {
		return
	}
	for _, req := range reqs {
		if req == nil {
			continue
		}
		var anyTrue, anyFalse bool
		for _, tag := range req.Tags {
			v, ok := tags[tag]
			if !ok {
				continue
			}
			b, ok := v.(bool)
			if !ok {
				if warn != nil {
					warn("Warning: Tag '%s' for chart %s returned non-bool value", tag, req.Name)
				}
				continue
			}
			if b {
				anyTrue = true
			} else {
				anyFalse = true
			}
		}
		if !anyTrue && anyFalse {
			req.Enabled = false
		} else {
			req.Enabled = true
		}
	}
}

// applyConditions lets the first condition path that resolves to a bool
// decide; conditions override tags.
func applyConditions(reqs []*chart.Dependency, cvals Values, path string, warn func(string, ...any)) {
	for _, req := range reqs {
		if req == nil {
			continue
		}
		for _, cond := range strings.Split(strings.TrimSpace(req.Condition), ",") {
			if cond == "" {
				continue
			}
			v, ok := pathValue(cvals, path+cond)
			if !ok {
				continue
			}
			if b, ok := v.(bool); ok {
				req.Enabled = b
				break
			}
			if warn != nil {
				warn("Warning: Condition path '%s' for chart %s returned non-bool value", cond, req.Name)
			}
		}
	}
}

// table walks a dotted path of tables.
func table(v Values, dotted string) (Values, bool) {
	cur := v
	for _, key := range strings.Split(dotted, ".") {
		next, ok := cur[key].(Values)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

// pathValue returns the non-table value at a dotted path.
func pathValue(v Values, dotted string) (any, bool) {
	parts := strings.Split(dotted, ".")
	parent := v
	if len(parts) > 1 {
		t, ok := table(v, strings.Join(parts[:len(parts)-1], "."))
		if !ok {
			return nil, false
		}
		parent = t
	}
	val, ok := parent[parts[len(parts)-1]]
	if !ok || isTable(val) {
		return nil, false
	}
	return val, true
}

func importDependencyValues(c *chart.Chart, warn func(string, ...any)) error {
	for _, sub := range c.Dependencies() {
		if err := importDependencyValues(sub, warn); err != nil {
			return err
		}
	}
	return importValues(c, warn)
}

// importValues copies values a subchart exports (or names by child path) into
// the parent's values, below the parent's own. The chart's Values become the
// merged tree, as in Helm.
func importValues(c *chart.Chart, warn func(string, ...any)) error {
	if c.Metadata.Dependencies == nil {
		return nil
	}
	cvals, err := mergeValues(c, nil, warn)
	if err != nil {
		return err
	}
	merger := coalescer{merge: true, warn: warn}
	imported := Values{}
	for _, req := range c.Metadata.Dependencies {
		var rewritten []any
		for _, iv := range req.ImportValues {
			switch iv := iv.(type) {
			case map[string]any:
				child := fmt.Sprintf("%v", iv["child"])
				parent := fmt.Sprintf("%v", iv["parent"])
				rewritten = append(rewritten, map[string]string{"child": child, "parent": parent})
				src, ok := table(cvals, req.Name+"."+child)
				if !ok {
					if warn != nil {
						warn("Warning: ImportValues missing table from chart %s: %s", req.Name, child)
					}
					continue
				}
				imported = merger.tables(imported, nestUnder(parent, src), "")
			case string:
				child := "exports." + iv
				rewritten = append(rewritten, map[string]string{"child": child, "parent": "."})
				src, ok := table(cvals, req.Name+"."+child)
				if !ok {
					if warn != nil {
						warn("Warning: ImportValues missing table: %s", child)
					}
					continue
				}
				imported = merger.tables(imported, src, "")
			}
		}
		req.ImportValues = rewritten
	}
	c.Values = merger.tables(deepCopyMap(cvals), imported, "")
	return nil
}

func nestUnder(dotted string, data Values) Values {
	if dotted == "." {
		return data
	}
	parts := strings.Split(dotted, ".")
	cur := data
	for i := len(parts) - 1; i >= 0; i-- {
		cur = Values{parts[i]: cur}
	}
	return cur
}
