package repo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Errors that carry the facts a caller needs to say what to do next.
var (
	// ErrNoRepositories: repositories.yaml lists no repository.
	ErrNoRepositories = errors.New("no repositories configured")
	// ErrNoStableVersion: a chart has versions, but only pre-releases, and
	// no constraint asked for them. It wraps ErrNoChartVersion.
	ErrNoStableVersion = fmt.Errorf("no stable version (only pre-releases): %w", ErrNoChartVersion)
)

// RepoNotFoundError: a name used as a repository is not configured.
type RepoNotFoundError struct {
	// Ref is what the user asked for ("REPO/CHART").
	Ref  string
	Repo string
}

func (e *RepoNotFoundError) Error() string {
	return fmt.Sprintf("chart %q not found: no local path of that name, and no repository %q is configured", e.Ref, e.Repo)
}

// NoCachedIndexError: a configured repository has no index in the cache.
type NoCachedIndexError struct {
	Repo string
	Err  error
}

func (e *NoCachedIndexError) Error() string {
	return fmt.Sprintf("no cached index for repository %q: %v", e.Repo, e.Err)
}
func (e *NoCachedIndexError) Unwrap() error { return e.Err }

// RepoExistsError: a repository of that name exists with another
// configuration.
type RepoExistsError struct{ Name string }

func (e *RepoExistsError) Error() string {
	return fmt.Sprintf("repository name (%s) already exists, please specify a different name", e.Name)
}

// OCIRepoError: an oci:// URL was given where an HTTP repository is
// expected.
type OCIRepoError struct {
	Name     string
	Registry string
}

func (e *OCIRepoError) Error() string {
	return fmt.Sprintf("repository %q: %s is an OCI registry, and OCI registries are not added as repositories", e.Name, e.Registry)
}

// NotRepoChartError: a reference is neither REPO/CHART nor oci://.
type NotRepoChartError struct{ Ref string }

func (e *NotRepoChartError) Error() string {
	return fmt.Sprintf("%q is not REPO/CHART or an oci:// reference", e.Ref)
}

// NoRepoDefinitionError: a dependency names a repository ("@name" or a URL
// alias) that repositories.yaml does not define.
type NoRepoDefinitionError struct{ Repository string }

func (e *NoRepoDefinitionError) Error() string {
	return fmt.Sprintf("no repository definition for %s", e.Repository)
}

// LockOutOfSyncError: Chart.lock does not match Chart.yaml's dependencies.
type LockOutOfSyncError struct {
	Dir      string
	LockName string
}

func (e *LockOutOfSyncError) Error() string {
	return fmt.Sprintf("%s: the lock file (%s) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies", e.Dir, e.LockName)
}

// AuthRequiredError: a registry asked for credentials kpkg does not have
// or refused the ones it has.
type AuthRequiredError struct {
	Host string
	Err  error
}

func (e *AuthRequiredError) Error() string { return e.Err.Error() }
func (e *AuthRequiredError) Unwrap() error { return e.Err }

// TimeoutError: a server took longer than the timeout to answer a request
// in full (Auth.Timeout, DefaultTimeout when unset).
type TimeoutError struct {
	URL     string
	Timeout time.Duration
	Err     error
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("GET %s: no complete answer within %s", e.URL, e.Timeout)
}
func (e *TimeoutError) Unwrap() error { return e.Err }

// asTimeout returns a *TimeoutError when err is a request that ran out of
// time while ctx itself was still live, and nil otherwise.
func asTimeout(ctx context.Context, url string, timeout time.Duration, err error) error {
	var ne net.Error
	if ctx.Err() == nil && errors.As(err, &ne) && ne.Timeout() {
		return &TimeoutError{URL: url, Timeout: timeout, Err: err}
	}
	return nil
}
