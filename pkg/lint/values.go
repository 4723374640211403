package lint

import (
	"strings"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
)

const valuesFile = "values.yaml"

// checkValues checks that values.yaml parses and that, merged with the
// user's values, it meets the chart's own values.schema.json. Subcharts'
// values are left to the render, which validates the whole tree.
func checkValues(src *source, opts Options, rep *report) {
	data, ok, err := src.readOptional(valuesFile)
	if err != nil {
		rep.add(Error, valuesFile, "unable to read: %v", err)
		return
	}
	if !ok {
		rep.add(Info, valuesFile, "file does not exist")
		return
	}
	vals, err := chart.ParseValues(data)
	if err != nil {
		rep.add(Error, valuesFile, "unable to parse YAML: %v", err)
		return
	}
	if opts.SkipSchemaValidation {
		return
	}
	schema, ok, err := src.readOptional("values.schema.json")
	if err != nil {
		rep.add(Error, "values.schema.json", "unable to read: %v", err)
		return
	}
	if !ok || len(schema) == 0 {
		return
	}
	// A bare chart holding just these values and schema: the schema of the
	// chart being linted applies to its own values only.
	bare := &chart.Chart{Metadata: &chart.Metadata{Name: "values"}, Values: vals, Schema: schema}
	merged, err := render.CoalesceValues(bare, opts.Values, nil)
	if err != nil {
		rep.add(Error, valuesFile, "%v", err)
		return
	}
	if err := render.ValidateSchemas(bare, merged); err != nil {
		msg := strings.TrimPrefix(err.Error(), "values:\n")
		rep.add(Error, valuesFile, "%s", strings.TrimSpace(msg))
	}
}
