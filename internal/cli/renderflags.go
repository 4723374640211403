package cli

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
	"github.com/kpkg/kpkg/pkg/values"
)

// renderFlags are the flags shared by every command that renders a chart.
type renderFlags struct {
	values               values.Options
	kubeVersion          string
	apiVersions          []string
	skipSchemaValidation bool
	enableDNS            bool
	subchartNotes        bool
}

func (f *renderFlags) register(fs *pflag.FlagSet) {
	addValueFlags(fs, &f.values)
	fs.BoolVar(&f.skipSchemaValidation, "skip-schema-validation", false, "if set, disables JSON schema validation")
	fs.BoolVar(&f.enableDNS, "enable-dns", false, "enable DNS lookups when rendering templates")
	fs.BoolVar(&f.subchartNotes, "render-subchart-notes", false, "if set, render subchart notes along with the parent")
}

// renderOptions turns the flags into render options for a release.
func (f *renderFlags) renderOptions(rel render.Release, warn func(string, ...any)) (render.Options, error) {
	opts := render.Options{
		Release:              rel,
		APIVersions:          f.apiVersions,
		SkipSchemaValidation: f.skipSchemaValidation,
		EnableDNS:            f.enableDNS,
		SubchartNotes:        f.subchartNotes,
		Warn:                 warn,
	}
	if f.kubeVersion != "" {
		kv, err := render.ParseKubeVersion(f.kubeVersion)
		if err != nil {
			return opts, err
		}
		opts.KubeVersion = &kv
	}
	return opts, nil
}

// loadChartForRender loads a chart and checks that its declared dependencies
// are present.
func loadChartForRender(_ context.Context, ref string) (*chart.Chart, error) {
	c, err := chart.Load(ref)
	if err != nil {
		return nil, err
	}
	if err := chart.CheckDependencies(c); err != nil {
		return nil, fmt.Errorf("an error occurred while checking for chart dependencies: %w", err)
	}
	return c, nil
}
