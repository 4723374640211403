package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/client-go/util/jsonpath"
	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/repo"
)

// showPart is what a show subcommand prints.
type showPart string

const (
	showAll    showPart = "all"
	showChart  showPart = "chart"
	showValues showPart = "values"
	showReadme showPart = "readme"
	showCRDs   showPart = "crds"
)

func newShowCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "show",
		Aliases: []string{"inspect"},
		Short:   "Show information of a chart",
		Long:    "Show information of a chart: its Chart.yaml, values.yaml, README and CRDs, as 'helm show' prints them.",
		Args:    cobra.NoArgs,
	}
	subs := []struct {
		part  showPart
		short string
	}{
		{showAll, "show all information of the chart"},
		{showChart, "show the chart's definition (Chart.yaml)"},
		{showValues, "show the chart's values (values.yaml)"},
		{showReadme, "show the chart's README"},
		{showCRDs, "show the chart's CRDs"},
	}
	for _, s := range subs {
		cmd.AddCommand(newShowSubcommand(streams, s.part, s.short))
	}
	cmd.AddCommand(newShowVersionsCommand(streams))
	return cmd
}

func newShowSubcommand(streams IO, part showPart, short string) *cobra.Command {
	var jsonPath string
	var cp chartPathFlags
	cmd := &cobra.Command{
		Use:   string(part) + " CHART",
		Short: short,
		Long: strings.ToUpper(short[:1]) + short[1:] + `.

CHART is a chart directory, a packaged chart (.tgz), REPO/CHART, a URL of a
packaged chart or an oci:// reference.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := loadChartForShow(cmd, args[0], &cp)
			if err != nil {
				return err
			}
			out, err := showText(c, part, jsonPath, warnTo(streams.Err))
			if err != nil {
				return err
			}
			_, err = io.WriteString(streams.Out, out)
			return err
		},
	}
	cp.register(cmd.Flags())
	cp.verify.register(cmd.Flags())
	if part == showValues {
		cmd.Flags().StringVar(&jsonPath, "jsonpath", "", "supply a JSONPath expression to filter the output")
	}
	return cmd
}

// loadChartForShow resolves the CHART argument of the show commands as
// every chart command does (local path, REPO/CHART, URL, oci://), but
// unlike rendering it does not require dependencies to be present: showing
// a chart must work before 'dependency build'.
func loadChartForShow(cmd *cobra.Command, ref string, cp *chartPathFlags) (*chart.Chart, error) {
	return repo.LoadChart(cmd.Context(), cp.request(cmd, ref))
}

// showText renders part of c as 'helm show' does: Chart.yaml re-marshalled,
// values.yaml and the README verbatim, the crds/ files of the chart and its
// subcharts one after another; "all" joins the parts with "---" lines.
func showText(c *chart.Chart, part showPart, jsonPath string, warn func(string, ...any)) (string, error) {
	var out strings.Builder
	if part == showChart || part == showAll {
		md, err := yaml.Marshal(c.Metadata)
		if err != nil {
			return "", fmt.Errorf("chart %s: serialise Chart.yaml: %w", c.Name(), err)
		}
		fmt.Fprintf(&out, "%s\n", md)
	}
	if raw := rawFile(c, "values.yaml"); (part == showValues || part == showAll) && raw != nil {
		if part == showAll {
			out.WriteString("---\n")
		}
		if jsonPath != "" {
			if err := writeJSONPath(&out, jsonPath, c.Values, warn); err != nil {
				return "", err
			}
		} else {
			fmt.Fprintln(&out, string(raw.Data))
		}
	}
	if readme := findReadme(c); (part == showReadme || part == showAll) && readme != nil {
		if part == showAll {
			out.WriteString("---\n")
		}
		fmt.Fprintf(&out, "%s\n", readme.Data)
	}
	if crds := c.CRDs(); (part == showCRDs || part == showAll) && len(crds) > 0 {
		if part == showAll && !bytes.HasPrefix(crds[0].File.Data, []byte("---")) {
			out.WriteString("---\n")
		}
		for _, crd := range crds {
			fmt.Fprintf(&out, "%s\n", crd.File.Data)
		}
	}
	return out.String(), nil
}

// writeJSONPath prints the values selected by expr. Like Helm, a path that
// selects nothing prints nothing and is not an error; kpkg says why on
// stderr.
func writeJSONPath(w io.Writer, expr string, vals map[string]any, warn func(string, ...any)) error {
	jp := jsonpath.New("values")
	if err := jp.Parse(expr); err != nil {
		return fmt.Errorf("error parsing jsonpath %s: %w", expr, err)
	}
	if err := jp.Execute(w, vals); err != nil {
		warn("WARNING: jsonpath %s: %v", expr, err)
	}
	return nil
}

func rawFile(c *chart.Chart, name string) *chart.File {
	for _, f := range c.Raw {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// findReadme returns the first of the chart's files named README, README.md
// or README.txt in any letter case.
func findReadme(c *chart.Chart) *chart.File {
	for _, f := range c.Files {
		switch strings.ToLower(f.Name) {
		case "readme.md", "readme.txt", "readme":
			return f
		}
	}
	return nil
}
