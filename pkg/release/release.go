package release

import "github.com/kpkg/kpkg/pkg/release/record"

// The release model is Helm's record, so revisions kpkg writes are Helm's
// and the reverse.
type (
	// Release is one revision of a release.
	Release = record.Release
	// Info is a revision's mutable state.
	Info = record.Info
	// Status is a revision's status, with Helm's names.
	Status = record.Status
	// Hook is a rendered hook and its last run.
	Hook = record.Hook
	// HookExecution is one run of a hook.
	HookExecution = record.HookExecution
)

// Statuses, as Helm names them.
const (
	StatusUnknown         = record.StatusUnknown
	StatusDeployed        = record.StatusDeployed
	StatusUninstalled     = record.StatusUninstalled
	StatusSuperseded      = record.StatusSuperseded
	StatusFailed          = record.StatusFailed
	StatusUninstalling    = record.StatusUninstalling
	StatusPendingInstall  = record.StatusPendingInstall
	StatusPendingUpgrade  = record.StatusPendingUpgrade
	StatusPendingRollback = record.StatusPendingRollback
)
