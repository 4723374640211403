package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/release"
)

// metadataView has the fields of Helm's `get metadata` output.
type metadataView struct {
	Name         string            `json:"name"`
	Chart        string            `json:"chart"`
	Version      string            `json:"version"`
	AppVersion   string            `json:"appVersion"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	Dependencies any               `json:"dependencies,omitempty"`
	Namespace    string            `json:"namespace"`
	Revision     int               `json:"revision"`
	Status       string            `json:"status"`
	DeployedAt   string            `json:"deployedAt"`
}

func newGetCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get",
		Short: "Download extended information of a named release",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(
		getSubcommand(streams, "all", "download all information for a named release", false, func(w io.Writer, r *release.Release) error {
			return printRelease(w, r, statusOptions{showMetadata: true, debug: true})
		}),
		getSubcommand(streams, "values", "download the values file for a named release", true, nil),
		getSubcommand(streams, "manifest", "download the manifest for a named release", false, func(w io.Writer, r *release.Release) error {
			_, err := fmt.Fprintln(w, r.Manifest)
			return err
		}),
		getSubcommand(streams, "notes", "download the notes for a named release", false, func(w io.Writer, r *release.Release) error {
			if r.Info.Notes != "" {
				fmt.Fprintf(w, "NOTES:\n%s\n", r.Info.Notes)
			}
			return nil
		}),
		getSubcommand(streams, "hooks", "download all hooks for a named release", false, func(w io.Writer, r *release.Release) error {
			for _, h := range r.Hooks {
				fmt.Fprintf(w, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
			}
			return nil
		}),
		getSubcommand(streams, "metadata", "fetch metadata for a given release", true, nil),
	)
	return cmd
}

// getSubcommand builds `get <what>`; structured ones (values, metadata)
// take -o, the others print text with show.
func getSubcommand(streams IO, what, short string, structured bool, show func(io.Writer, *release.Release) error) *cobra.Command {
	var revision int
	var allValues bool
	var output outputFormat
	var tmpl string
	cmd := &cobra.Command{
		Use:   what + " RELEASE_NAME",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, ns, err := kubeOf(cmd).releaseConfig(streams)
			if err != nil {
				return err
			}
			rel, err := release.Get(cmd.Context(), cfg, ns, args[0], revision)
			if err != nil {
				return err
			}
			switch {
			case what == "all" && tmpl != "":
				return executeTemplate(streams.Out, tmpl, map[string]any{"Release": rel})
			case what == "values":
				return printValues(streams.Out, output, rel, allValues)
			case what == "metadata":
				return printMetadata(streams.Out, output, rel)
			}
			return show(streams.Out, rel)
		},
	}
	fs := cmd.Flags()
	fs.IntVar(&revision, "revision", 0, "get the named release with revision")
	if structured {
		addOutputFlag(fs, &output)
	}
	if what == "values" {
		fs.BoolVarP(&allValues, "all", "a", false, "dump all (computed) values")
	}
	if what == "all" {
		fs.StringVar(&tmpl, "template", "", "go template for formatting the output, eg: {{.Release.Name}}")
	}
	return cmd
}

func printValues(w io.Writer, output outputFormat, rel *release.Release, all bool) error {
	vals, title := rel.Config, "USER-SUPPLIED VALUES:"
	if all {
		vals, title = release.ComputedValues(rel), "COMPUTED VALUES:"
	}
	return output.write(w, vals, func(w io.Writer) error {
		fmt.Fprintln(w, title)
		return writeYAML(w, vals)
	})
}

func writeYAML(w io.Writer, v map[string]any) error {
	if v == nil {
		_, err := fmt.Fprintln(w, "null")
		return err
	}
	data, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func printMetadata(w io.Writer, output outputFormat, rel *release.Release) error {
	md := rel.Chart.Metadata
	view := metadataView{Name: rel.Name, Chart: md.Name, Version: md.Version, AppVersion: md.AppVersion,
		Annotations: md.Annotations, Namespace: rel.Namespace, Revision: rel.Version,
		Status: string(rel.Info.Status), DeployedAt: rel.Info.LastDeployed.Format(time.RFC3339)}
	if len(md.Dependencies) > 0 {
		view.Dependencies = md.Dependencies
	}
	return output.write(w, view, func(w io.Writer) error {
		fmt.Fprintf(w, "NAME: %s\nCHART: %s\nVERSION: %s\nAPP_VERSION: %s\n", view.Name, view.Chart, view.Version, view.AppVersion)
		fmt.Fprintf(w, "ANNOTATIONS: %s\nDEPENDENCIES: %s\n", joinMap(md.Annotations), dependencyNames(rel))
		fmt.Fprintf(w, "NAMESPACE: %s\nREVISION: %d\nSTATUS: %s\nDEPLOYED_AT: %s\n", view.Namespace, view.Revision, view.Status, view.DeployedAt)
		return nil
	})
}

// joinMap prints a map as k=v pairs sorted by key, as labels print.
func joinMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ",")
}

func dependencyNames(rel *release.Release) string {
	var names []string
	for _, d := range rel.Chart.Metadata.Dependencies {
		names = append(names, d.Name)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}
