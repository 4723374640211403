package release

import (
	"time"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/render"
)

// Status is the state of one revision, with Helm's names.
type Status string

// Statuses, as Helm names them.
const (
	StatusUnknown         Status = "unknown"
	StatusDeployed        Status = "deployed"
	StatusUninstalled     Status = "uninstalled"
	StatusSuperseded      Status = "superseded"
	StatusFailed          Status = "failed"
	StatusUninstalling    Status = "uninstalling"
	StatusPendingInstall  Status = "pending-install"
	StatusPendingUpgrade  Status = "pending-upgrade"
	StatusPendingRollback Status = "pending-rollback"
)

// IsPending reports whether an operation on the revision is under way.
func (s Status) IsPending() bool {
	switch s {
	case StatusPendingInstall, StatusPendingUpgrade, StatusPendingRollback, StatusUninstalling:
		return true
	}
	return false
}

// Info is the mutable part of a revision: it changes as the operation
// proceeds and when later revisions supersede it.
type Info struct {
	FirstDeployed time.Time `json:"first_deployed,omitzero"`
	LastDeployed  time.Time `json:"last_deployed,omitzero"`
	Deleted       time.Time `json:"deleted,omitzero"`
	Description   string    `json:"description,omitempty"`
	Status        Status    `json:"status,omitempty"`
	Notes         string    `json:"notes,omitempty"`
}

// ChartInfo is what a release keeps of its chart: enough to show it and to
// recognise it, not the templates.
type ChartInfo struct {
	Metadata *chart.Metadata `json:"metadata,omitempty"`
	// Digest is "sha256:<hex>" of the chart's files.
	Digest string `json:"digest,omitempty"`
}

// Hook is a rendered hook and its last execution.
type Hook struct {
	render.Hook
	LastRun HookRun `json:"last_run,omitzero"`
}

// HookRun records one execution of a hook.
type HookRun struct {
	StartedAt   time.Time `json:"started_at,omitzero"`
	CompletedAt time.Time `json:"completed_at,omitzero"`
	Phase       string    `json:"phase,omitempty"`
}

// ApplyServerSide is the only apply method kpkg uses; it is recorded so a
// future method can tell old revisions apart.
const ApplyServerSide = "server-side"

// Release is one revision of a release. JSON field names follow Helm's
// release record where Helm has the field.
type Release struct {
	Name      string    `json:"name"`
	Namespace string    `json:"namespace"`
	Version   int       `json:"version"`
	Info      *Info     `json:"info"`
	Chart     ChartInfo `json:"chart"`
	// Config is the values the user supplied.
	Config map[string]any `json:"config,omitempty"`
	// Computed is Config coalesced with the chart's defaults: what the
	// templates saw, what `get values --all` prints and what
	// --reuse-values starts from.
	Computed    map[string]any    `json:"computed,omitempty"`
	Manifest    string            `json:"manifest,omitempty"`
	Hooks       []*Hook           `json:"hooks,omitempty"`
	ApplyMethod string            `json:"apply_method,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
}

// ChartName is "<name>-<version>", as Helm prints it.
func (r *Release) ChartName() string {
	if r.Chart.Metadata == nil {
		return "MISSING"
	}
	return r.Chart.Metadata.Name + "-" + r.Chart.Metadata.Version
}

// AppVersion is the chart's appVersion.
func (r *Release) AppVersion() string {
	if r.Chart.Metadata == nil {
		return ""
	}
	return r.Chart.Metadata.AppVersion
}
