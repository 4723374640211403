package render_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/internal/fuzzcheck"
	"github.com/kpkg/kpkg/pkg/render"
)

// FuzzSchema validates values against a values.schema.json: kpkg must
// accept exactly what Helm's chartutil.ValidateAgainstSingleSchema accepts,
// at a bounded cost. Schemas that refer to other documents by URL are left
// out of the comparison: Helm fetches http(s) references, kpkg never does.
func FuzzSchema(f *testing.F) {
	dirs := append([]string{"testdata/charts/schema"}, fuzzcheck.CorpusCharts("pkg/render", 0)...)
	for _, d := range dirs {
		schema, err := os.ReadFile(filepath.Join(d, "values.schema.json"))
		if err != nil || len(schema) > 32<<10 {
			continue
		}
		vals, _ := os.ReadFile(filepath.Join(d, "values.yaml"))
		if len(vals) > 16<<10 {
			vals = nil
		}
		f.Add(schema, vals)
	}
	f.Add([]byte(`{"type":"object","required":["a"],"properties":{"a":{"type":"integer","minimum":1}}}`), []byte("a: 0\n"))
	f.Add([]byte(`{"$ref":"#/$defs/x","$defs":{"x":{"$ref":"#/$defs/x"}}}`), []byte("a: 1\n"))
	f.Add([]byte(`{"properties":{"a":{"pattern":"^(a+)+$"}}}`), []byte("a: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n"))
	f.Add([]byte(`{"$schema":"http://json-schema.org/draft-07/schema#","type":"object"}`), []byte(""))
	f.Add([]byte(`not json`), []byte("a: 1\n"))
	f.Fuzz(func(t *testing.T, schema, valuesYAML []byte) {
		vals, err := chart.ParseValues(valuesYAML)
		if err != nil {
			return
		}
		c := &chart.Chart{Metadata: &chart.Metadata{APIVersion: "v2", Name: "fuzz", Version: "1.0.0"}, Schema: schema}
		var kerr error
		fuzzcheck.Within(t, 20*time.Second, func() {
			fuzzcheck.Bounded(t, len(schema)+len(valuesYAML), 2048, 32<<20, func() {
				kerr = render.ValidateSchemas(c, vals)
			})
		})
		if refersElsewhere(schema) {
			return
		}
		herr := chartutil.ValidateAgainstSingleSchema(chartutil.Values(vals), schema)
		if (kerr == nil) != (herr == nil) {
			t.Fatalf("verdicts differ:\nkpkg: %v\nhelm: %v", kerr, herr)
		}
	})
}

// refersElsewhere reports whether schema may load another document: a
// reference, id or $schema that is not a fragment of this one or a known
// metaschema. Helm would fetch or read it (file:///dev/zero never ends).
func refersElsewhere(schema []byte) bool {
	var doc any
	if json.Unmarshal(schema, &doc) != nil {
		return false // neither side gets past parsing
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if s, ok := e.(string); ok && strings.HasPrefix(k, "$") || k == "id" {
					if !ok || !(strings.HasPrefix(s, "#") || metaSchemas[s]) {
						return true
					}
				}
				if walk(e) {
					return true
				}
			}
		case []any:
			for _, e := range t {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(doc)
}

// metaSchemas are the $schema URLs jsonschema knows without loading them.
var metaSchemas = map[string]bool{
	"http://json-schema.org/draft-04/schema#": true, "http://json-schema.org/draft-06/schema#": true,
	"http://json-schema.org/draft-07/schema#": true, "https://json-schema.org/draft/2019-09/schema": true,
	"https://json-schema.org/draft/2020-12/schema": true, "http://json-schema.org/schema#": true,
}
