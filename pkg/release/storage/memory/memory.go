// Package memory is a release storage driver that keeps revisions in the
// process, for tests of the release verbs. Revisions are copied through
// their encoding on every read and write, as a real store would.
package memory

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/kpkg/kpkg/pkg/release/record"
	"github.com/kpkg/kpkg/pkg/release/storage"
)

// Driver is an in-memory storage.Driver. The zero value is empty and ready.
type Driver struct {
	mu   sync.Mutex
	revs map[key]stored
}

var _ storage.Driver = (*Driver)(nil)

type key struct {
	namespace, name string
	version         int
}

type stored struct {
	data    []byte
	labels  map[string]string
	ann     map[string]string
	status  record.Status
	created time.Time
}

// Name is "memory".
func (d *Driver) Name() string { return "memory" }

// Index lists revisions without decoding them.
func (d *Driver) Index(_ context.Context, namespace, name string) ([]storage.Entry, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []storage.Entry
	for k, s := range d.revs {
		if (namespace == "" || k.namespace == namespace) && (name == "" || k.name == name) {
			out = append(out, storage.Entry{Namespace: k.namespace, Name: k.name, Version: k.version,
				Status: s.status, Object: objectName(k), Created: s.created, Modified: s.created, Labels: maps.Clone(s.labels), Annotations: maps.Clone(s.ann)})
		}
	}
	return out, nil
}

// Get decodes a stored revision.
func (d *Driver) Get(_ context.Context, namespace, name string, version int) (*record.Release, error) {
	d.mu.Lock()
	s, ok := d.revs[key{namespace, name, version}]
	d.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%s: %w", objectName(key{namespace, name, version}), storage.ErrNotFound)
	}
	rel, err := record.Decode(s.data, 0)
	if err != nil {
		return nil, &storage.CorruptError{Object: objectName(key{namespace, name, version}), Err: err}
	}
	rel.Labels = maps.Clone(s.labels)
	return rel, nil
}

// Create stores a new revision.
func (d *Driver) Create(_ context.Context, rel *record.Release, o storage.WriteOptions) (storage.Placement, error) {
	data, err := record.Encode(rel, record.Default)
	if err != nil {
		return storage.Placement{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	k := key{rel.Namespace, rel.Name, rel.Version}
	if _, ok := d.revs[k]; ok {
		return storage.Placement{}, fmt.Errorf("%s: %w", objectName(k), storage.ErrExists)
	}
	if d.revs == nil {
		d.revs = map[key]stored{}
	}
	d.revs[k] = stored{data: data, labels: maps.Clone(rel.Labels), ann: maps.Clone(o.Annotations), status: rel.Info.Status, created: time.Now()}
	return storage.Placement{Bytes: len(data)}, nil
}

// Update replaces a stored revision.
func (d *Driver) Update(_ context.Context, rel *record.Release, o storage.WriteOptions) error {
	data, err := record.Encode(rel, record.Default)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	k := key{rel.Namespace, rel.Name, rel.Version}
	s, ok := d.revs[k]
	if !ok {
		return fmt.Errorf("%s: %w", objectName(k), storage.ErrNotFound)
	}
	s.data, s.labels, s.ann, s.status = data, maps.Clone(rel.Labels), maps.Clone(o.Annotations), rel.Info.Status
	d.revs[k] = s
	return nil
}

// Delete forgets a revision.
func (d *Driver) Delete(_ context.Context, namespace, name string, version int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.revs, key{namespace, name, version})
	return nil
}

// Corrupt replaces a stored payload with data, for tests of damaged
// revisions.
func (d *Driver) Corrupt(namespace, name string, version int, data []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := key{namespace, name, version}
	s := d.revs[k]
	s.data = data
	d.revs[k] = s
}

func objectName(k key) string {
	return fmt.Sprintf("memory %s/%s.v%d", k.namespace, k.name, k.version)
}
