package release

import (
	"reflect"
	"testing"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/release/record"
)

// TestUpgradeValues pins Helm's four value modes (see Upgrade.reuseValues in
// Helm's action package).
func TestUpgradeValues(t *testing.T) {
	newChart := &chart.Chart{Metadata: &chart.Metadata{Name: "c"}, Values: map[string]any{"a": "new-default", "b": "new-default"}}
	current := &Release{
		Config: map[string]any{"a": "old-user", "nested": map[string]any{"x": 1, "y": 2}},
		Chart: &record.Chart{Metadata: &chart.Metadata{Name: "c"},
			Values: map[string]any{"a": "old-default", "b": "old-default", "nested": map[string]any{"x": 0}}},
	}
	override := map[string]any{"nested": map[string]any{"y": 3}}
	tests := []struct {
		name       string
		mode       ValueMode
		vals       map[string]any
		wantVals   map[string]any
		wantChartB any
	}{
		{"default without values reuses old user values", ValuesDefault, nil,
			map[string]any{"a": "old-user", "nested": map[string]any{"x": 1, "y": 2}}, "new-default"},
		{"default with values uses only them", ValuesDefault, override, override, "new-default"},
		{"reset ignores the old values", ValuesReset, nil, nil, "new-default"},
		{"reuse merges over old values and old computed defaults", ValuesReuse, override,
			map[string]any{"a": "old-user", "nested": map[string]any{"x": 1, "y": 3}}, "old-default"},
		{"reset-then-reuse keeps the new chart's defaults", ValuesResetThenReuse, override,
			map[string]any{"a": "old-user", "nested": map[string]any{"x": 1, "y": 3}}, "new-default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, vals := upgradeValues(newChart, current, tt.vals, tt.mode)
			if !reflect.DeepEqual(vals, tt.wantVals) {
				t.Errorf("values = %v, want %v", vals, tt.wantVals)
			}
			if ch.Values["b"] != tt.wantChartB {
				t.Errorf("chart default b = %v, want %v", ch.Values["b"], tt.wantChartB)
			}
			if newChart.Values["b"] != "new-default" || current.Config["nested"].(map[string]any)["y"] != 2 {
				t.Errorf("inputs were modified")
			}
		})
	}
}
