package cli

import (
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/release"
	"github.com/kpkg/kpkg/pkg/render"
)

// installFlags are shared by install and upgrade.
type installFlags struct {
	renderFlags
	output          outputFormat
	createNamespace bool
	description     string
	wait            bool
	waitForJobs     bool
	timeout         time.Duration
	atomic          bool
	dryRun          string
	noHooks         bool
	skipCRDs        bool
	takeOwnership   bool
	forceConflicts  bool
	hideNotes       bool
	labels          map[string]string
}

func (f *installFlags) register(fs *pflag.FlagSet) {
	f.renderFlags.register(fs)
	addRecoverPendingFlag(fs)
	addOutputFlag(fs, &f.output)
	fs.BoolVar(&f.createNamespace, "create-namespace", false, "create the release namespace if not present")
	fs.StringVar(&f.description, "description", "", "add a custom description")
	addWaitFlags(fs, &f.wait, &f.waitForJobs, &f.timeout)
	fs.BoolVar(&f.atomic, "atomic", false, "if set, the operation is undone on failure (install: uninstalled; upgrade: rolled back). Implies --wait")
	fs.BoolVar(&f.atomic, "rollback-on-failure", false, "Helm 4's name for --atomic")
	fs.StringVar(&f.dryRun, "dry-run", "", `simulate the operation: "client" renders only; "server" also validates the objects with the API server`)
	fs.Lookup("dry-run").NoOptDefVal = "client"
	fs.BoolVar(&f.noHooks, "no-hooks", false, "prevent hooks from running")
	fs.BoolVar(&f.skipCRDs, "skip-crds", false, "if set, no CRDs will be installed")
	fs.BoolVar(&f.takeOwnership, "take-ownership", false, "if set, adopt existing objects owned by another release or by none")
	fs.BoolVar(&f.forceConflicts, "force-conflicts", false, "take fields owned by other field managers instead of failing")
	fs.BoolVar(&f.hideNotes, "hide-notes", false, "if set, do not show notes in the output")
	fs.StringToStringVarP(&f.labels, "labels", "l", nil, "labels that would be added to release metadata, separated by comma")
}

// prepared is what every install or upgrade run needs before the action.
type prepared struct {
	cfg       *release.Config
	namespace string
	chart     *chart.Chart
	values    map[string]any
	render    render.Options
	dryRun    release.DryRun
}

func (f *installFlags) prepare(cmd *cobra.Command, streams IO, ref string) (*prepared, error) {
	dry, err := parseDryRun(f.dryRun)
	if err != nil {
		return nil, err
	}
	if err := checkLabels(f.labels); err != nil {
		return nil, err
	}
	cfg, ns, err := kubeOf(cmd).releaseConfig(streams)
	if err != nil {
		return nil, err
	}
	ch, err := f.loadChart(cmd, ref)
	if err != nil {
		return nil, err
	}
	if err := checkInstallable(ch, streams.Err); err != nil {
		return nil, err
	}
	vals, err := f.mergeValues(cmd, streams.In)
	if err != nil {
		return nil, err
	}
	ropts, err := f.renderOptions(render.Release{}, warnTo(streams.Err))
	if err != nil {
		return nil, err
	}
	return &prepared{cfg: cfg, namespace: ns, chart: ch, values: vals, render: ropts, dryRun: dry}, nil
}

func (f *installFlags) print(streams IO, rel *release.Release, dry release.DryRun) error {
	return f.output.write(streams.Out, rel, func(w io.Writer) error {
		return printRelease(w, rel, statusOptions{showManifest: dry != release.DryRunNone, hideNotes: f.hideNotes})
	})
}

func newInstallCommand(streams IO) *cobra.Command {
	f := &installFlags{}
	var names nameFlags
	cmd := &cobra.Command{
		Use:   "install [NAME] CHART",
		Short: "Install a chart into the cluster as a new release",
		Long: `Install a chart into the cluster as a new release.

Objects are applied server-side (field manager "kpkg") in Helm's kind order,
and the release is recorded as revision 1. With --wait, kpkg waits until
every object is ready and stops at once, with the reason, when a pod crash
loops, cannot pull its image or cannot be scheduled, or a Job fails.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, ref, err := names.nameAndChart(args, "")
			if err != nil {
				return err
			}
			if err := validateReleaseName(name); err != nil {
				return err
			}
			return runInstall(cmd, streams, f, name, ref)
		},
	}
	fs := cmd.Flags()
	f.register(fs)
	names.register(fs)
	return cmd
}

func runInstall(cmd *cobra.Command, streams IO, f *installFlags, name, ref string) error {
	p, err := f.prepare(cmd, streams, ref)
	if err != nil {
		return err
	}
	rel, err := release.Install(cmd.Context(), p.cfg, p.chart, p.values, f.installOptions(name, p))
	if err != nil {
		return err
	}
	return f.print(streams, rel, p.dryRun)
}

func (f *installFlags) installOptions(name string, p *prepared) release.InstallOptions {
	return release.InstallOptions{
		Name: name, Namespace: p.namespace, Render: p.render, PostRender: f.postRender.options(), CreateNamespace: f.createNamespace,
		Description: f.description, Wait: f.wait || f.atomic, WaitForJobs: f.waitForJobs, Timeout: f.timeout,
		Atomic: f.atomic, DryRun: p.dryRun, NoHooks: f.noHooks, SkipCRDs: f.skipCRDs,
		TakeOwnership: f.takeOwnership, ForceConflicts: f.forceConflicts, Labels: f.labels,
	}
}
