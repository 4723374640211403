package render

import (
	"strings"
	"testing"

	"github.com/kpkg/kpkg/pkg/chart"
)

func TestValidateSchemasWalksSubcharts(t *testing.T) {
	newChart := func(name string, schema string, subs ...*chart.Chart) *chart.Chart {
		c := &chart.Chart{Metadata: &chart.Metadata{Name: name}}
		if schema != "" {
			c.Schema = []byte(schema)
		}
		c.AddDependency(subs...)
		return c
	}
	const wantsInt = `{"properties": {"replicas": {"type": "integer"}}}`
	tests := []struct {
		name       string
		chart      *chart.Chart
		vals       Values
		hasSchema  bool
		wantErrors []string
	}{
		{"no schema anywhere", newChart("top", "", newChart("web", "")), Values{"web": Values{}}, false, nil},
		{"subchart values not a map", newChart("top", "", newChart("web", "")), Values{"web": "oops"}, false,
			[]string{"web:\ninvalid type for values: expected object (map), got string"}},
		{"schema in a subchart only", newChart("top", "", newChart("web", wantsInt)), Values{"web": Values{"replicas": "two"}}, true,
			[]string{"web:\n", "/replicas"}},
		{"both charts fail, in chart order", newChart("top", wantsInt, newChart("web", wantsInt)),
			Values{"replicas": "x", "web": Values{"replicas": "y"}}, true, []string{"top:\n", "web:\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hasSchema(tt.chart); got != tt.hasSchema {
				t.Errorf("hasSchema = %v, want %v", got, tt.hasSchema)
			}
			err := ValidateSchemas(tt.chart, tt.vals)
			if len(tt.wantErrors) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			last := -1
			for _, w := range tt.wantErrors {
				i := strings.Index(err.Error(), w)
				if i < 0 || i < last {
					t.Fatalf("error lacks %q (in order):\n%s", w, err)
				}
				last = i
			}
		})
	}
}
