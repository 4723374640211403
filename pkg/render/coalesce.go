package render

import (
	"fmt"

	"github.com/kpkg/kpkg/pkg/chart"
)

// globalKey is the values key that flows from a chart into its subcharts.
const globalKey = "global"

// Values is a tree of chart values.
type Values = map[string]any

// coalescer merges chart defaults into supplied values. With merge false (the
// final render) a null supplied by the user deletes the key; with merge true
// (dependency processing) nulls are kept so a later pass can apply them.
type coalescer struct {
	merge bool
	warn  func(format string, args ...any)
}

func (co coalescer) warnf(format string, args ...any) {
	if co.warn != nil {
		co.warn(format, args...)
	}
}

// CoalesceValues returns a copy of vals with c's defaults (and, recursively,
// its subcharts' defaults and the globals passed down to them) filled in.
func CoalesceValues(c *chart.Chart, vals Values, warn func(string, ...any)) (Values, error) {
	return coalescer{warn: warn}.chart(c, deepCopyMap(vals), "")
}

func mergeValues(c *chart.Chart, vals Values, warn func(string, ...any)) (Values, error) {
	return coalescer{merge: true, warn: warn}.chart(c, deepCopyMap(vals), "")
}

func (co coalescer) chart(c *chart.Chart, dest Values, prefix string) (Values, error) {
	co.defaults(c, dest, prefix)
	for _, sub := range c.Dependencies() {
		name := sub.Name()
		existing, ok := dest[name]
		if !ok {
			existing = Values{}
			dest[name] = existing
		}
		subVals, ok := existing.(Values)
		if !ok {
			return dest, fmt.Errorf("values for subchart %q must be a table, got %T", name, existing)
		}
		subPrefix := joinKey(prefix, c.Name())
		co.globals(subVals, dest, subPrefix)
		merged, err := co.chart(sub, subVals, subPrefix)
		if err != nil {
			return dest, err
		}
		dest[name] = merged
	}
	return dest, nil
}

// defaults fills dest with c's own values.yaml where dest has no value.
func (co coalescer) defaults(c *chart.Chart, dest Values, prefix string) {
	chartPrefix := joinKey(prefix, c.Name())
	defaults := deepCopyMap(c.Values)
	for key, def := range defaults {
		have, ok := dest[key]
		if !ok {
			dest[key] = def
			continue
		}
		if have == nil && !co.merge {
			delete(dest, key)
			continue
		}
		haveTable, ok := have.(Values)
		if !ok {
			continue
		}
		defTable, ok := def.(Values)
		if !ok {
			if def != nil {
				co.warnf("warning: skipped value for %s.%s: Not a table.", chartPrefix, key)
			}
			continue
		}
		// A subchart's section is always merged so that nulls aimed at the
		// subchart survive until the subchart's own pass.
		sub := co
		if isDependencyName(c, key) {
			sub.merge = true
		}
		sub.tables(haveTable, defTable, joinKey(chartPrefix, key))
	}
}

func isDependencyName(c *chart.Chart, key string) bool {
	for _, sub := range c.Dependencies() {
		if sub.Name() == key {
			return true
		}
	}
	return false
}

// globals copies the parent's "global" table into the subchart's values;
// the parent's entries win.
func (co coalescer) globals(dest, parent Values, prefix string) {
	var dg, pg Values
	if v, ok := dest[globalKey]; !ok {
		dg = Values{}
	} else if dg, ok = v.(Values); !ok {
		co.warnf("warning: skipping globals because destination %s is not a table.", globalKey)
		return
	}
	if v, ok := parent[globalKey]; !ok {
		pg = Values{}
	} else if pg, ok = v.(Values); !ok {
		co.warnf("warning: skipping globals because source %s is not a table.", globalKey)
		return
	}
	for key, val := range pg {
		if table, ok := val.(Values); ok {
			copied := shallowCopyMap(table)
			have, ok := dg[key]
			if !ok {
				dg[key] = copied
				continue
			}
			haveTable, ok := have.(Values)
			if !ok {
				co.warnf("Conflict: cannot merge map onto non-map for %q. Skipping.", key)
				continue
			}
			coalescer{merge: true, warn: co.warn}.tables(copied, haveTable, joinKey(prefix, key))
			dg[key] = copied
			continue
		}
		if have, ok := dg[key]; ok && isTable(have) {
			co.warnf("key %s is table. Skipping", key)
			continue
		}
		dg[key] = val
	}
	dest[globalKey] = dg
}

// tables fills dst from src where dst has no value; dst wins. With merge
// false a null in dst deletes the key.
func (co coalescer) tables(dst, src Values, prefix string) Values {
	if src == nil {
		return dst
	}
	if dst == nil {
		return src
	}
	srcNonNil := make(map[string]bool, len(src))
	for key, val := range src {
		if val != nil {
			srcNonNil[key] = true
		}
	}
	// Helm marks dst's nulls in src too, so they survive the loop below.
	for key, val := range dst {
		if val == nil {
			src[key] = nil
		}
	}
	for key, val := range src {
		full := joinKey(prefix, key)
		have, ok := dst[key]
		switch {
		case ok && !co.merge && have == nil && srcNonNil[key]:
			delete(dst, key)
		case !ok:
			dst[key] = val
		case isTable(val):
			if haveTable, ok := have.(Values); ok {
				co.tables(haveTable, val.(Values), full)
			} else {
				co.warnf("warning: cannot overwrite table with non table for %s (%v)", full, val)
			}
		case isTable(have) && val != nil:
			co.warnf("warning: destination for %s is a table. Ignoring non-table value (%v)", full, val)
		}
	}
	return dst
}

func isTable(v any) bool {
	_, ok := v.(Values)
	return ok
}

func joinKey(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func shallowCopyMap(m Values) Values {
	out := make(Values, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// deepCopyMap copies the maps and slices of a values tree; scalars are shared
// because they are immutable. A nil map becomes an empty one.
func deepCopyMap(m Values) Values {
	out := make(Values, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch t := v.(type) {
	case Values:
		if t == nil {
			return t
		}
		return deepCopyMap(t)
	case []any:
		if t == nil {
			return t
		}
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopyValue(e)
		}
		return out
	default:
		return v
	}
}
