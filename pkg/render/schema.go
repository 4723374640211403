package render

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kpkg/kpkg/pkg/chart"
)

// schemaURL is the name each values.schema.json is compiled under; it appears
// in validation messages, so it matches Helm's.
const schemaURL = "file:///values.schema.json"

// ValidateSchemas checks the values of c and of every subchart with values
// against that chart's values.schema.json. The error lists every chart that
// failed, each followed by its violations with their JSON paths.
func ValidateSchemas(c *chart.Chart, vals Values) error {
	var sb strings.Builder
	validateTree(c, vals, &sb)
	if sb.Len() > 0 {
		return errors.New(sb.String())
	}
	return nil
}

func validateTree(c *chart.Chart, vals Values, sb *strings.Builder) {
	if c.Schema != nil {
		if err := validateSchema(vals, c.Schema); err != nil {
			fmt.Fprintf(sb, "%s:\n%s", c.Name(), err.Error())
		}
	}
	for _, sub := range c.Dependencies() {
		raw, ok := vals[sub.Name()]
		if !ok || raw == nil {
			continue
		}
		subVals, ok := raw.(Values)
		if !ok {
			fmt.Fprintf(sb, "%s:\ninvalid type for values: expected object (map), got %T\n", sub.Name(), raw)
			continue
		}
		validateTree(sub, subVals, sb)
	}
}

// noNetworkLoader refuses remote schema references: rendering is hermetic.
type noNetworkLoader struct{}

func (noNetworkLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema reference %s is not loaded: kpkg does not fetch schemas over the network", url)
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
		"file":  jsonschema.FileLoader{},
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
