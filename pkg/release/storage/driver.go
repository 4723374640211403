package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kpkg/kpkg/pkg/release/record"
)

// Driver stores revisions of releases.
type Driver interface {
	// Name is how the driver is selected: "secret", "configmap", "memory".
	Name() string
	// Index lists the revisions of release name in namespace without
	// reading their payloads. An empty name lists every release; an empty
	// namespace every namespace. Order is unspecified.
	Index(ctx context.Context, namespace, name string) ([]Entry, error)
	// Get reads one revision in full. A revision that does not exist is
	// ErrNotFound; one that cannot be read is a *CorruptError.
	Get(ctx context.Context, namespace, name string, version int) (*record.Release, error)
	// Create stores a new revision; one that exists is ErrExists.
	Create(ctx context.Context, rel *record.Release, o WriteOptions) (Placement, error)
	// Update rewrites a stored revision (its status, description, times,
	// hook runs).
	Update(ctx context.Context, rel *record.Release, o WriteOptions) error
	// Delete removes a revision; one that does not exist is not an error.
	Delete(ctx context.Context, namespace, name string, version int) error
}

// Entry is what a driver knows of a revision without reading its payload.
type Entry struct {
	Namespace string
	Name      string
	Version   int
	// Status is the status label, which every writer keeps in step with
	// the payload.
	Status record.Status
	// Object names the storage object, for messages ("Secret
	// ns/sh.helm.release.v1.web.v3").
	Object string
	// Created is when the storage object was created, by the API server's
	// clock.
	Created time.Time
	// Modified is when a writer last wrote the revision, by its own clock
	// (Helm's modifiedAt or createdAt label), else Created.
	Modified time.Time
	// Labels of the storage object: the store's own and the release's.
	Labels map[string]string
	// Annotations of the storage object (kpkg marks the revisions its
	// operations are working on).
	Annotations map[string]string
}

// WriteOptions are what a writer stores beside a revision.
type WriteOptions struct {
	// Annotations replace the storage object's annotations. Helm drops
	// them when it rewrites a revision, so they suit facts that only
	// matter until then (which kpkg operation is working on a revision).
	Annotations map[string]string
}

// Placement says how a revision was stored.
type Placement struct {
	// External is set when the revision was too large for one storage
	// object: the payload is in Parts objects beside a small record that
	// Helm can list but not operate.
	External bool
	Parts    int
	// Bytes is the compressed payload size.
	Bytes int
}

// ErrNotFound is returned for a revision that does not exist.
var ErrNotFound = errors.New("release: not found")

// ErrExists is returned when creating a revision that exists.
var ErrExists = errors.New("release revision already exists")

// CorruptError is a stored revision that cannot be read.
type CorruptError struct {
	// Object names the storage object.
	Object string
	Err    error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s is damaged: %v", e.Object, e.Err)
}
func (e *CorruptError) Unwrap() error { return e.Err }

// Newest returns the entries of each release's newest revision, keyed
// by namespace and name.
func Newest(entries []Entry) map[[2]string]Entry {
	out := map[[2]string]Entry{}
	for _, e := range entries {
		k := [2]string{e.Namespace, e.Name}
		if cur, ok := out[k]; !ok || e.Version > cur.Version {
			out[k] = e
		}
	}
	return out
}
