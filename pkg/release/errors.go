package release

import (
	"fmt"
	"time"

	"github.com/kpkg/kpkg/pkg/release/storage"
)

// ErrNotFound is returned when a release or revision does not exist.
var ErrNotFound = storage.ErrNotFound

// RevisionNotFoundError: a release exists but not the revision asked for.
type RevisionNotFoundError struct {
	Name, Namespace string
	Version         int
}

func (e *RevisionNotFoundError) Error() string {
	return fmt.Sprintf("release %s in namespace %s has no revision %d", e.Name, e.Namespace, e.Version)
}
func (e *RevisionNotFoundError) Unwrap() error { return ErrNotFound }

// NameInUseError: install was asked for a name whose release is not
// uninstalled.
type NameInUseError struct {
	Name, Namespace string
	Status          Status
	Version         int
}

func (e *NameInUseError) Error() string {
	return fmt.Sprintf("cannot re-use the name %q: release %s in namespace %s is %s at revision %d", e.Name, e.Name, e.Namespace, e.Status, e.Version)
}

// NotDeployedError: upgrade found no release to upgrade, or only an
// uninstalled one.
type NotDeployedError struct {
	Name, Namespace string
	// Uninstalled is set when the release exists with its history kept.
	Uninstalled bool
}

func (e *NotDeployedError) Error() string {
	if e.Uninstalled {
		return fmt.Sprintf("release %q in namespace %s is uninstalled", e.Name, e.Namespace)
	}
	return fmt.Sprintf("release %q has no deployed releases in namespace %s", e.Name, e.Namespace)
}

// AlreadyUninstalledError: uninstall with KeepHistory of a release that is
// already uninstalled.
type AlreadyUninstalledError struct{ Name, Namespace string }

func (e *AlreadyUninstalledError) Error() string {
	return fmt.Sprintf("release %s in namespace %s is already uninstalled (history kept)", e.Name, e.Namespace)
}

// NamespaceNotFoundError: the release's namespace does not exist.
type NamespaceNotFoundError struct {
	Namespace string
	Err       error
}

func (e *NamespaceNotFoundError) Error() string {
	return fmt.Sprintf("namespace %s does not exist: %v", e.Namespace, e.Err)
}
func (e *NamespaceNotFoundError) Unwrap() error { return e.Err }

// PendingError: the newest revision is pending and was not written by a
// kpkg operation (Helm takes no lock), recently enough that the operation
// may still be running.
type PendingError struct {
	Name, Namespace string
	Version         int
	Status          Status
	// Since is when the revision was last written.
	Since time.Time
	// Until is when kpkg will consider the operation abandoned.
	Until time.Time
}

func (e *PendingError) Error() string {
	return fmt.Sprintf("release %s in namespace %s has been %s at revision %d since %s, written by another tool (Helm takes no lock, so that operation may still be running); it counts as abandoned from %s",
		e.Name, e.Namespace, e.Status, e.Version, e.Since.UTC().Format(time.RFC3339), e.Until.UTC().Format(time.RFC3339))
}
