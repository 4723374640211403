package record

import (
	"github.com/kpkg/kpkg/pkg/chart"
)

// Release is one revision of a release. The JSON field names and shapes
// are Helm's.
type Release struct {
	Name   string         `json:"name,omitempty"`
	Info   *Info          `json:"info,omitempty"`
	Chart  *Chart         `json:"chart,omitempty"`
	Config map[string]any `json:"config,omitempty"`
	// Manifest is every non-hook document, each after a "---" and a
	// "# Source:" line.
	Manifest  string  `json:"manifest,omitempty"`
	Hooks     []*Hook `json:"hooks,omitempty"`
	Version   int     `json:"version,omitempty"`
	Namespace string  `json:"namespace,omitempty"`
	// Labels are the user's labels, kept in the storage object's labels
	// rather than in the payload, as Helm keeps them.
	Labels map[string]string `json:"-"`
	// ApplyMethod is Helm 4's "ssa" or "csa"; Helm 3 ignores it.
	ApplyMethod string `json:"apply_method,omitempty"`
}

// Apply methods as Helm 4 records them.
const (
	ApplyServerSide = "ssa"
	ApplyClientSide = "csa"
)

// Info is the mutable part of a revision.
type Info struct {
	FirstDeployed Time   `json:"first_deployed,omitempty"`
	LastDeployed  Time   `json:"last_deployed,omitempty"`
	Deleted       Time   `json:"deleted"`
	Description   string `json:"description,omitempty"`
	Status        Status `json:"status,omitempty"`
	Notes         string `json:"notes,omitempty"`
	// RollbackRevision is the revision a rollback returned to; Helm 4
	// writes and reads it, Helm 3 ignores it.
	RollbackRevision int `json:"rollback_revision,omitempty"`
}

// Chart is what a revision keeps of its chart. Helm also keeps the
// templates and files; kpkg leaves them out (revisions stay small), which
// no Helm command needs: rollback replays the stored manifest and hooks,
// and --reuse-values reads only the values.
type Chart struct {
	Metadata  *chart.Metadata `json:"metadata"`
	Lock      *chart.Lock     `json:"lock"`
	Templates []*File         `json:"templates"`
	// Values are the chart's own values.yaml, after import-values.
	Values map[string]any `json:"values"`
	Schema []byte         `json:"schema"`
	Files  []*File        `json:"files"`
}

// File is a file of a chart as Helm stores it.
type File struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// ChartName is "<name>-<version>", as Helm prints it.
func (r *Release) ChartName() string {
	if r.Chart == nil || r.Chart.Metadata == nil {
		return "MISSING"
	}
	return r.Chart.Metadata.Name + "-" + r.Chart.Metadata.Version
}

// AppVersion is the chart's appVersion.
func (r *Release) AppVersion() string {
	if r.Chart == nil || r.Chart.Metadata == nil {
		return ""
	}
	return r.Chart.Metadata.AppVersion
}
