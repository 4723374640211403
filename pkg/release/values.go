package release

import (
	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
)

// ValueMode picks how upgrade combines new values with the release's.
type ValueMode int

// Value modes, as Helm's --reuse-values, --reset-values and
// --reset-then-reuse-values; the default reuses the old values only when no
// new ones are given.
const (
	ValuesDefault ValueMode = iota
	ValuesReuse
	ValuesReset
	ValuesResetThenReuse
)

// upgradeValues returns the chart to render and the user values for an
// upgrade from current, with Helm's semantics:
//   - reset: only the new values, over the new chart's defaults;
//   - reuse: the new values over the old user values, over the values the
//     old revision computed (which replace the new chart's defaults);
//   - reset-then-reuse: the new values over the old user values, over the
//     new chart's defaults;
//   - default: the old user values when no new values are given.
func upgradeValues(ch *chart.Chart, current *Release, vals map[string]any, mode ValueMode) (*chart.Chart, map[string]any) {
	switch mode {
	case ValuesReset:
		return ch, vals
	case ValuesReuse:
		cp := *ch
		cp.Values = ComputedValues(current)
		return &cp, mergeOver(vals, current.Config)
	case ValuesResetThenReuse:
		return ch, mergeOver(vals, current.Config)
	}
	if len(vals) == 0 && len(current.Config) > 0 {
		return ch, deepCopy(current.Config)
	}
	return ch, vals
}

// ComputedValues are the values a revision's templates saw, as Helm
// computes them from the stored record: the user's values coalesced over
// the chart's own (subcharts' defaults are not in the record, so they are
// not in the result either, as with Helm's `get values --all`).
func ComputedValues(rel *Release) map[string]any {
	if rel.Chart == nil {
		return deepCopy(rel.Config)
	}
	md := rel.Chart.Metadata
	if md == nil {
		md = &chart.Metadata{}
	}
	vals, err := render.CoalesceValues(&chart.Chart{Metadata: md, Values: rel.Chart.Values}, rel.Config, nil)
	if err != nil {
		// Without subcharts coalescing cannot fail.
		return deepCopy(rel.Config)
	}
	return vals
}

// mergeOver returns top merged over base: keys of top win, nested maps are
// merged, and base is not modified.
func mergeOver(top, base map[string]any) map[string]any {
	out := deepCopy(base)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range top {
		tm, tok := v.(map[string]any)
		bm, bok := out[k].(map[string]any)
		if tok && bok {
			out[k] = mergeOver(tm, bm)
			continue
		}
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopy(t)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = deepCopyValue(x)
		}
		return out
	}
	return v
}
