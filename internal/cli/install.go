package cli

import (
	"fmt"
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
	kube            *kubeFlags
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
	f.kube = newKubeFlags()
	f.kube.register(fs)
	f.kube.registerRecover(fs)
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
	ctx := cmd.Context()
	dry, err := parseDryRun(f.dryRun)
	if err != nil {
		return nil, err
	}
	cfg, ns, err := f.kube.releaseConfig(streams)
	if err != nil {
		return nil, err
	}
	ch, err := f.loadChart(ctx, ref)
	if err != nil {
		return nil, err
	}
	f.values.Stdin = streams.In
	vals, err := f.values.Merge(ctx)
	if err != nil {
		return nil, valueFlagError(err)
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
	var generateName bool
	cmd := &cobra.Command{
		Use:   "install [NAME] CHART",
		Short: "Install a chart into the cluster as a new release",
		Long: `Install a chart into the cluster as a new release.

Objects are applied server-side (field manager "kpkg") in Helm's kind order,
and the release is recorded as revision 1. With --wait, kpkg waits until
every object is ready and stops at once, with the reason, when a pod crash
loops, cannot pull its image or cannot be scheduled, or a Job fails.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var name, ref string
			switch {
			case len(args) == 2:
				name, ref = args[0], args[1]
			case generateName:
				ref = args[0]
				name = generateReleaseName(ref)
			default:
				return fmt.Errorf("must either provide a name or specify --generate-name")
			}
			return runInstall(cmd, streams, f, name, ref)
		},
	}
	fs := cmd.Flags()
	f.register(fs)
	fs.BoolVarP(&generateName, "generate-name", "g", false, "generate the name (and omit the NAME parameter)")
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
