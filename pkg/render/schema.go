package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/internal/parallel"
)

// schemaURL is the name each values.schema.json is compiled under; it appears
// in validation messages, so it matches Helm's.
const schemaURL = "file:///values.schema.json"

// ValidateSchemas checks the values of c and of every subchart with values
// against that chart's values.schema.json. The error lists every chart that
// failed, each followed by its violations with their JSON paths.
func ValidateSchemas(c *chart.Chart, vals Values) error {
	var checks []schemaCheck
	collectSchemaChecks(c, vals, &checks)
	// Large schemas take tens of milliseconds to compile, and each chart's is
	// independent, so they compile side by side; the report keeps chart order.
	parallel.ForEach(len(checks), func(i int) {
		if ch := &checks[i]; ch.schema != nil {
			ch.err = validateSchema(ch.vals, ch.schema)
		}
	})
	var sb strings.Builder
	for _, ch := range checks {
		if ch.err != nil {
			fmt.Fprintf(&sb, "%s:\n%s", ch.chart, ch.err.Error())
		}
	}
	if sb.Len() > 0 {
		return errors.New(sb.String())
	}
	return nil
}

// hasSchema reports whether c or any chart below it has a values schema.
func hasSchema(c *chart.Chart) bool {
	if c.Schema != nil {
		return true
	}
	for _, sub := range c.Dependencies() {
		if hasSchema(sub) {
			return true
		}
	}
	return false
}

// schemaCheck is one chart's values against its schema, or (schema nil) a
// chart whose values are not a map, which is an error without a schema.
type schemaCheck struct {
	chart  string
	schema []byte
	vals   Values
	err    error
}

func collectSchemaChecks(c *chart.Chart, vals Values, checks *[]schemaCheck) {
	if c.Schema != nil {
		*checks = append(*checks, schemaCheck{chart: c.Name(), schema: c.Schema, vals: vals})
	}
	for _, sub := range c.Dependencies() {
		raw, ok := vals[sub.Name()]
		if !ok || raw == nil {
			continue
		}
		subVals, ok := raw.(Values)
		if !ok {
			*checks = append(*checks, schemaCheck{chart: sub.Name(),
				err: fmt.Errorf("invalid type for values: expected object (map), got %T\n", raw)})
			continue
		}
		collectSchemaChecks(sub, subVals, checks)
	}
}

// noNetworkLoader refuses remote schema references: rendering is hermetic.
type noNetworkLoader struct{}

func (noNetworkLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema reference %s is not loaded: schemas are not fetched over the network", url)
}

// maxSchemaRef bounds a file a schema refers to with a file:// URL.
const maxSchemaRef = 5 << 20

// boundedFileLoader is jsonschema's file loader, as Helm uses it, for
// regular files of at most maxSchemaRef bytes: a chart's schema that refers
// to /dev/zero or a FIFO would otherwise read without end.
type boundedFileLoader struct{}

func (boundedFileLoader) Load(url string) (any, error) {
	p, err := jsonschema.FileLoader{}.ToFile(url)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxSchemaRef {
		return nil, fmt.Errorf("schema reference %s is not loaded: not a regular file of at most %d bytes", url, maxSchemaRef)
	}
	return jsonschema.UnmarshalJSON(io.LimitReader(f, maxSchemaRef))
}

// permissiveURN resolves urn: references to an always-true schema.
type permissiveURN struct{}

func (permissiveURN) Load(string) (any, error) { return true, nil }

func validateSchema(vals Values, schemaJSON []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unable to validate schema: %v", r)
		}
	}()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return fmt.Errorf("values.schema.json: %w\n", err)
	}
	compiler := jsonschema.NewCompiler()
	compiler.UseLoader(jsonschema.SchemeURLLoader{
		"file":  boundedFileLoader{},
		"http":  noNetworkLoader{},
		"https": noNetworkLoader{},
		"urn":   permissiveURN{},
	})
	if err := compiler.AddResource(schemaURL, doc); err != nil {
		return fmt.Errorf("values.schema.json: %w\n", err)
	}
	schema, err := compiler.Compile(schemaURL)
	if err != nil {
		return fmt.Errorf("values.schema.json: %w\n", err)
	}
	if err := schema.Validate(map[string]any(vals)); err != nil {
		msg := strings.TrimPrefix(err.Error(), "jsonschema validation failed with '"+schemaURL+"#'\n")
		return errors.New(msg + "\n")
	}
	return nil
}
