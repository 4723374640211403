package cli

import (
	"errors"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/manifest"
	"github.com/kpkg/kpkg/pkg/release"
	"github.com/kpkg/kpkg/pkg/render"
)

// installFlags are shared by install and upgrade.
type installFlags struct {
	// replace is install's --replace.
	replace bool
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
	// force is Helm 3's --force, which replaces objects; kpkg applies
	// server-side, so it forces the apply (see forceHelp).
	force bool
	// hideSecret hides Secrets in a dry run's manifest (install and
	// upgrade only).
	hideSecret bool
	// disableOpenAPIValidation is accepted: kpkg validates no object
	// against an OpenAPI schema itself (see its help).
	disableOpenAPIValidation bool
}

// forceHelp says what Helm 3's --force becomes in kpkg. Helm 3 replaces
// each changed object with a PUT of the chart's version; kpkg applies
// server-side, and the closest is a forced apply: every field the chart
// sets is taken from whichever field manager owns it (as
// --force-conflicts), while fields only other managers set stay. An
// object a change cannot be applied to (an immutable field) fails, as it
// does in Helm 3, which does not delete and recreate either.
const forceHelp = "force resource updates: apply server-side taking every field the chart sets from other field managers (as --force-conflicts; Helm 3 replaces the object instead)"

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
	fs.BoolVar(&f.force, "force", false, forceHelp)
	fs.BoolVar(&f.disableOpenAPIValidation, "disable-openapi-validation", false, "accepted for Helm compatibility: kpkg does no client-side OpenAPI validation; the API server validates every object when it is applied, and this flag does not change that")
}

// registerHideSecret adds --hide-secret, which Helm has on install and
// upgrade only.
func (f *installFlags) registerHideSecret(fs *pflag.FlagSet) {
	fs.BoolVar(&f.hideSecret, "hide-secret", false, "hide Kubernetes Secrets when also using the --dry-run flag")
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
	if f.hideSecret && dry == release.DryRunNone {
		return nil, errors.New("--hide-secret requires --dry-run: hiding Kubernetes Secrets needs a dry-run mode")
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

// print shows the release as Helm's install and upgrade do; with --debug
// also its values, hooks and manifest. With --hide-secret, Secrets in the
// manifest are replaced by a line that says so.
func (f *installFlags) print(cmd *cobra.Command, streams IO, rel *release.Release) error {
	if f.hideSecret {
		shown := *rel
		shown.Manifest = manifest.HideSecrets(rel.Manifest)
		rel = &shown
	}
	debug := envSettings(cmd).Debug
	return f.output.write(streams.Out, rel, func(w io.Writer) error {
		return printRelease(w, rel, statusOptions{hideNotes: f.hideNotes, debug: debug})
	})
}

func newInstallCommand(streams IO) *cobra.Command {
	f := &installFlags{}
	var names nameFlags
	cmd := &cobra.Command{
		Use:   "install [NAME] CHART",
		Short: "Install a chart into the cluster as a new release",
		Long: `Install a chart into the cluster as a new release.

Objects are applied server-side (Helm's field manager "helm") in Helm's kind order,
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
	f.registerHideSecret(fs)
	names.register(fs)
	fs.BoolVar(&f.replace, "replace", false, "re-use the given name, only if that name is a deleted release which remains in the history. This is unsafe in production")
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
	return f.print(cmd, streams, rel)
}

func (f *installFlags) installOptions(name string, p *prepared) release.InstallOptions {
	return release.InstallOptions{
		Name: name, Namespace: p.namespace, Render: p.render, PostRender: f.postRender.options(), CreateNamespace: f.createNamespace,
		Description: f.description, Wait: f.wait || f.atomic, WaitForJobs: f.waitForJobs, Timeout: f.timeout,
		Atomic: f.atomic, DryRun: p.dryRun, NoHooks: f.noHooks, SkipCRDs: f.skipCRDs,
		TakeOwnership: f.takeOwnership, ForceConflicts: f.forceConflicts || f.force, Replace: f.replace, Labels: f.labels,
	}
}
