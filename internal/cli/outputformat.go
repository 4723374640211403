package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/pflag"
	"sigs.k8s.io/yaml"
)

// outputFormat is Helm's --output: table, json or yaml.
type outputFormat string

func (o *outputFormat) String() string { return string(*o) }
func (o *outputFormat) Type() string   { return "format" }
func (o *outputFormat) Set(s string) error {
	switch s {
	case "table", "json", "yaml":
		*o = outputFormat(s)
		return nil
	}
	return fmt.Errorf("invalid format %q: use table, json or yaml", s)
}

func addOutputFlag(fs *pflag.FlagSet, o *outputFormat) {
	*o = "table"
	fs.VarP(o, "output", "o", "prints the output in the specified format. Allowed values: table, json, yaml")
}

// write prints v as JSON or YAML, or calls table for the table format.
func (o outputFormat) write(w io.Writer, v any, table func(io.Writer) error) error {
	switch o {
	case "json":
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", data)
		return err
	case "yaml":
		data, err := yaml.Marshal(v)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	return table(w)
}

// newTable is a tab-aligned table writer; call Flush when done.
func newTable(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 8, 1, ' ', 0) }
