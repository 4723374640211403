package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"text/template"

	"github.com/gosuri/uitable"
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
	return fmt.Errorf("invalid format type %q: use table, json or yaml", s)
}

// outputFormats are the values of -o, each with the description shell
// completion shows, in the order completion lists them.
var outputFormats = [][2]string{
	{"json", "Output result in JSON format"},
	{"table", "Output result in human-readable format"},
	{"yaml", "Output result in YAML format"},
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

// newTable is a tab-aligned table writer for kpkg's own tables (status
// resources, progress); call Flush when done.
func newTable(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 8, 1, ' ', 0) }

// helmTable is a table laid out as Helm's list, history, search, repo,
// dependency and plugin tables are: uitable with its defaults (every cell
// padded to its column's width, the last one too, cells joined by a tab,
// no wrapping); maxColWidth > 0 cuts longer cells to that width with
// "...". Using the library Helm uses keeps the bytes identical, down to
// how wide East Asian characters count.
func helmTable(maxColWidth uint, header ...any) *uitable.Table {
	t := uitable.New()
	t.MaxColWidth = maxColWidth
	if len(header) > 0 {
		t.AddRow(header...)
	}
	return t
}

// writeHelmTable prints t and a line break, as Helm prints its tables (an
// empty table is one empty line).
func writeHelmTable(w io.Writer, t *uitable.Table) error {
	_, err := fmt.Fprintln(w, t.String())
	return err
}

// executeTemplate runs a Go template given on the command line over data,
// as Helm's --template flags do.
func executeTemplate(w io.Writer, tmpl string, data any) error {
	t, err := template.New("_").Parse(tmpl)
	if err != nil {
		return err
	}
	return t.Execute(w, data)
}
