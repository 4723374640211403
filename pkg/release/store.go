package release

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/kpkg/kpkg/pkg/release/storage"
)

// Store is the release history: Helm's storage (Secrets or ConfigMaps),
// where every revision is written, and kpkg's earlier format, read until
// an operation moves a release out of it.
type Store struct {
	// Driver holds the history, in Helm's format.
	Driver storage.Driver
	// Legacy, when not nil, is read for revisions Driver does not have.
	Legacy storage.Driver
}

// revision is an index entry and the driver that holds it.
type revision struct {
	storage.Entry
	driver storage.Driver
}

// index lists the revisions of a release ("" name: every release) in
// namespace ("" for all), ordered by namespace, name and version. A
// version both drivers hold is read from Driver.
func (s *Store) index(ctx context.Context, namespace, name string) ([]revision, error) {
	entries, err := s.Driver.Index(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	out := make([]revision, 0, len(entries))
	seen := map[[2]string]map[int]bool{}
	for _, e := range entries {
		k := [2]string{e.Namespace, e.Name}
		if seen[k] == nil {
			seen[k] = map[int]bool{}
		}
		seen[k][e.Version] = true
		out = append(out, revision{Entry: e, driver: s.Driver})
	}
	if s.Legacy != nil {
		old, err := s.Legacy.Index(ctx, namespace, name)
		if err != nil {
			return nil, err
		}
		for _, e := range old {
			if !seen[[2]string{e.Namespace, e.Name}][e.Version] {
				out = append(out, revision{Entry: e, driver: s.Legacy})
			}
		}
	}
	slices.SortFunc(out, func(a, b revision) int {
		switch {
		case a.Namespace != b.Namespace:
			return compareStrings(a.Namespace, b.Namespace)
		case a.Name != b.Name:
			return compareStrings(a.Name, b.Name)
		}
		return a.Version - b.Version
	})
	return out, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// revisions is index for one release; no revision is ErrNotFound.
func (s *Store) revisions(ctx context.Context, namespace, name string) ([]revision, error) {
	revs, err := s.index(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	if len(revs) == 0 {
		return nil, fmt.Errorf("release %q in namespace %q: %w", name, namespace, ErrNotFound)
	}
	return revs, nil
}

// Get reads one revision in full.
func (s *Store) Get(ctx context.Context, namespace, name string, version int) (*Release, error) {
	rel, err := s.Driver.Get(ctx, namespace, name, version)
	if errors.Is(err, storage.ErrNotFound) && s.Legacy != nil {
		rel, err = s.Legacy.Get(ctx, namespace, name, version)
	}
	if errors.Is(err, storage.ErrNotFound) {
		return nil, &RevisionNotFoundError{Name: name, Namespace: namespace, Version: version}
	}
	return rel, err
}

func (s *Store) get(ctx context.Context, r revision) (*Release, error) {
	return r.driver.Get(ctx, r.Namespace, r.Name, r.Version)
}

// Create writes a new revision in Helm's format.
func (s *Store) Create(ctx context.Context, rel *Release, ann map[string]string) (storage.Placement, error) {
	return s.Driver.Create(ctx, rel, storage.WriteOptions{Annotations: ann})
}

// Update records a revision's new state.
func (s *Store) Update(ctx context.Context, rel *Release, ann map[string]string) error {
	return s.Driver.Update(ctx, rel, storage.WriteOptions{Annotations: ann})
}

// Delete removes a revision from wherever it is stored.
func (s *Store) Delete(ctx context.Context, namespace, name string, version int) error {
	if err := s.Driver.Delete(ctx, namespace, name, version); err != nil {
		return err
	}
	if s.Legacy != nil {
		return s.Legacy.Delete(ctx, namespace, name, version)
	}
	return nil
}

// migrate moves a release's revisions out of the earlier format into
// Helm's: each is written in Helm's format first and deleted from the old
// one after, so an interrupted migration leaves every revision readable
// and the next operation finishes it. It returns how many moved.
func (s *Store) migrate(ctx context.Context, namespace, name string) (int, error) {
	if s.Legacy == nil {
		return 0, nil
	}
	old, err := s.Legacy.Index(ctx, namespace, name)
	if err != nil || len(old) == 0 {
		return 0, err
	}
	for _, e := range old {
		rel, err := s.Legacy.Get(ctx, e.Namespace, e.Name, e.Version)
		if err != nil {
			return 0, fmt.Errorf("move release %s revision %d to Helm's format: %w", name, e.Version, err)
		}
		if _, err := s.Driver.Create(ctx, rel, storage.WriteOptions{}); err != nil && !errors.Is(err, storage.ErrExists) {
			return 0, fmt.Errorf("move release %s revision %d to Helm's format: %w", name, e.Version, err)
		}
		if err := s.Legacy.Delete(ctx, e.Namespace, e.Name, e.Version); err != nil {
			return 0, err
		}
	}
	return len(old), nil
}
