package helmv1

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"strconv"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"

	"github.com/kpkg/kpkg/pkg/release/record"
	"github.com/kpkg/kpkg/pkg/release/storage"
)

// Labels Helm puts on every record object, and the ones kpkg adds.
const (
	LabelOwner      = "owner"
	OwnerHelm       = "helm"
	LabelName       = "name"
	LabelStatus     = "status"
	LabelVersion    = "version"
	LabelCreatedAt  = "createdAt"
	LabelModifiedAt = "modifiedAt"
	// LabelPayload marks a record whose payload is in parts. Helm keeps
	// labels when it rewrites a record (and copies them into the next
	// revision), so readers confirm with the record's manifest.
	LabelPayload    = "kpkg.dev/payload"
	PayloadExternal = "external"
	// LabelPart numbers the parts of an external payload; parts are
	// owned by kpkg, not helm, so Helm never lists them.
	LabelPart = "kpkg.dev/payload-part"
	OwnerKpkg = "kpkg"

	dataKey = "release"
)

// systemLabels are the labels the store writes itself; the others on a
// record object are the release's labels.
var systemLabels = map[string]bool{
	LabelOwner: true, LabelName: true, LabelStatus: true, LabelVersion: true,
	LabelCreatedAt: true, LabelModifiedAt: true, LabelPayload: true,
}

// IsSystemLabel reports whether key is written by the store and so may not
// be a user's release label.
func IsSystemLabel(key string) bool { return systemLabels[key] }

// Kind selects the storage object.
type Kind int

// Storage objects.
const (
	Secrets Kind = iota
	ConfigMaps
)

// MaxObjectBytes is the most a Secret's or ConfigMap's data may hold.
const MaxObjectBytes = 1 << 20

// Options configure a Driver. The zero value stores in Secrets.
type Options struct {
	Kind Kind
	// MaxObjectBytes is the largest value one object may hold; 0 means
	// the API server's 1 MiB. Tests lower it.
	MaxObjectBytes int
	// MaxDecoded bounds a payload's decompressed size; 0 means
	// record.DefaultMaxDecoded.
	MaxDecoded int64
}

// Driver is a storage.Driver for Helm's release objects.
type Driver struct {
	objs objects
	opts Options
}

var _ storage.Driver = (*Driver)(nil)

// New stores revisions through core and lists them through md, which
// transfers no payloads: listing every revision of every release must not
// read every payload.
func New(core kubernetes.Interface, md metadata.Interface, opts Options) *Driver {
	if opts.MaxObjectBytes <= 0 {
		opts.MaxObjectBytes = MaxObjectBytes
	}
	var objs objects = secrets{core: core, meta: md}
	if opts.Kind == ConfigMaps {
		objs = configMaps{core: core, meta: md}
	}
	return &Driver{objs: objs, opts: opts}
}

// Name is Helm's name of the driver: "secret" or "configmap".
func (d *Driver) Name() string {
	if d.opts.Kind == ConfigMaps {
		return "configmap"
	}
	return "secret"
}

// ObjectName is the name of the object holding a revision, as Helm names it.
func ObjectName(name string, version int) string {
	return fmt.Sprintf("sh.helm.release.v1.%s.v%d", name, version)
}

func (d *Driver) describe(namespace, name string) string {
	return describe(d.objs.kind(), namespace, name)
}

// Index lists record objects by their labels. Objects whose labels are not
// a revision's (no name, no numeric version) are skipped.
func (d *Driver) Index(ctx context.Context, namespace, name string) ([]storage.Entry, error) {
	sel := LabelOwner + "=" + OwnerHelm
	if name != "" {
		sel += "," + LabelName + "=" + name
	}
	objs, err := d.objs.list(ctx, namespace, sel)
	if err != nil {
		return nil, fmt.Errorf("list Helm release %ss in namespace %q: %w", d.objs.kind(), namespace, err)
	}
	out := make([]storage.Entry, 0, len(objs))
	for _, o := range objs {
		v, err := strconv.Atoi(o.Labels[LabelVersion])
		if err != nil || v < 1 || o.Labels[LabelName] == "" {
			continue
		}
		ns := o.Namespace
		out = append(out, storage.Entry{
			Namespace: ns, Name: o.Labels[LabelName], Version: v,
			Status: record.Status(o.Labels[LabelStatus]), Object: d.describe(ns, o.Name),
			Created: o.Created, Modified: lastWritten(o), Labels: o.Labels, Annotations: o.Annotations,
		})
	}
	return out, nil
}

// Get reads a revision, following an external payload to its parts.
func (d *Driver) Get(ctx context.Context, namespace, name string, version int) (*record.Release, error) {
	objName := ObjectName(name, version)
	o, err := d.objs.get(ctx, namespace, objName, dataKey)
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("%s: %w", d.describe(namespace, objName), storage.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", d.describe(namespace, objName), err)
	}
	rel, err := d.decodeRecord(o.Value)
	if err != nil {
		return nil, &storage.CorruptError{Object: d.describe(namespace, objName), Err: err}
	}
	if ref, ok := parseExternal(rel.Manifest); ok {
		full, err := d.readParts(ctx, namespace, ref)
		if err != nil {
			return nil, &storage.CorruptError{Object: d.describe(namespace, objName), Err: err}
		}
		rel = overlay(full, rel)
	}
	rel.Namespace = namespace
	rel.Labels = userLabels(o.Labels)
	return rel, nil
}

func (d *Driver) decodeRecord(value []byte) (*record.Release, error) {
	data := make([]byte, base64.StdEncoding.DecodedLen(len(value)))
	n, err := base64.StdEncoding.Decode(data, value)
	if err != nil {
		return nil, fmt.Errorf("decode base64: %w", err)
	}
	return record.Decode(data[:n], d.opts.MaxDecoded)
}

// overlay is the full revision from the parts with the record's mutable
// state, which both tools update in the record alone.
func overlay(full, rec *record.Release) *record.Release {
	full.Info.Status = rec.Info.Status
	full.Info.Description = rec.Info.Description
	full.Info.FirstDeployed = rec.Info.FirstDeployed
	full.Info.LastDeployed = rec.Info.LastDeployed
	full.Info.Deleted = rec.Info.Deleted
	full.Version = rec.Version
	full.Name = rec.Name
	return full
}

// Create stores rel in one record object when it fits (at the default
// compression, else the best), in parts otherwise.
func (d *Driver) Create(ctx context.Context, rel *record.Release, o storage.WriteOptions) (storage.Placement, error) {
	value, data, err := d.encodeFitting(rel)
	if err != nil {
		return storage.Placement{}, err
	}
	labels := d.labels(rel)
	labels[LabelCreatedAt] = strconv.FormatInt(time.Now().Unix(), 10)
	place := storage.Placement{Bytes: len(data)}
	if value == nil {
		if place, value, err = d.writeParts(ctx, rel, data); err != nil {
			return storage.Placement{}, err
		}
		labels[LabelPayload] = PayloadExternal
	}
	objName := ObjectName(rel.Name, rel.Version)
	obj := &object{Name: objName, Labels: labels, Annotations: o.Annotations, Value: value}
	if err := d.objs.create(ctx, rel.Namespace, obj, dataKey, false); err != nil {
		if place.External {
			_ = d.deleteParts(context.WithoutCancel(ctx), rel.Namespace, rel.Name, rel.Version)
		}
		if apierrors.IsAlreadyExists(err) {
			return storage.Placement{}, fmt.Errorf("%s: %w", d.describe(rel.Namespace, objName), storage.ErrExists)
		}
		return storage.Placement{}, fmt.Errorf("store release %s revision %d as %s: %w", rel.Name, rel.Version, d.describe(rel.Namespace, objName), err)
	}
	return place, nil
}

// encodeFitting returns the record's object value, or nil with the
// compressed payload when even the best compression does not fit.
func (d *Driver) encodeFitting(rel *record.Release) (value, data []byte, err error) {
	for _, level := range []record.Level{record.Default, record.Best} {
		if data, err = record.Encode(rel, level); err != nil {
			return nil, nil, err
		}
		if base64.StdEncoding.EncodedLen(len(data)) <= d.opts.MaxObjectBytes {
			return encode64(data), data, nil
		}
	}
	return nil, data, nil
}

func encode64(data []byte) []byte {
	out := make([]byte, base64.StdEncoding.EncodedLen(len(data)))
	base64.StdEncoding.Encode(out, data)
	return out
}

func (d *Driver) labels(rel *record.Release) map[string]string {
	labels := maps.Clone(rel.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[LabelOwner] = OwnerHelm
	labels[LabelName] = rel.Name
	labels[LabelStatus] = string(rel.Info.Status)
	labels[LabelVersion] = strconv.Itoa(rel.Version)
	return labels
}

// Update rewrites the record object. For an external payload only the
// small record is rewritten: the parts never change.
func (d *Driver) Update(ctx context.Context, rel *record.Release, o storage.WriteOptions) error {
	objName := ObjectName(rel.Name, rel.Version)
	labels := d.labels(rel)
	labels[LabelModifiedAt] = strconv.FormatInt(time.Now().Unix(), 10)
	cur, err := d.objs.get(ctx, rel.Namespace, objName, dataKey)
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("update %s: %w", d.describe(rel.Namespace, objName), storage.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", d.describe(rel.Namespace, objName), err)
	}
	var value []byte
	if stand := d.standIn(cur); stand != "" {
		value, err = d.stubValue(rel, stand)
		labels[LabelPayload] = PayloadExternal
	} else if value, _, err = d.encodeFitting(rel); err == nil && value == nil {
		err = fmt.Errorf("release %s revision %d no longer fits in one %s", rel.Name, rel.Version, d.objs.kind())
	}
	if err != nil {
		return err
	}
	labels[LabelCreatedAt] = cur.Labels[LabelCreatedAt]
	obj := &object{Name: objName, Labels: labels, Annotations: o.Annotations, Value: value}
	if err := d.objs.update(ctx, rel.Namespace, obj, dataKey); err != nil {
		return fmt.Errorf("update %s to %s: %w", d.describe(rel.Namespace, objName), rel.Info.Status, err)
	}
	return nil
}

// standIn returns the stand-in manifest of a record stored in parts, ""
// for an ordinary record.
func (d *Driver) standIn(cur *object) string {
	if cur == nil || cur.Labels[LabelPayload] != PayloadExternal {
		return ""
	}
	stub, err := d.decodeRecord(cur.Value)
	if err != nil {
		return ""
	}
	if _, ok := parseExternal(stub.Manifest); ok {
		return stub.Manifest
	}
	return ""
}

// Delete removes the record, then its parts.
func (d *Driver) Delete(ctx context.Context, namespace, name string, version int) error {
	objName := ObjectName(name, version)
	if err := d.objs.delete(ctx, namespace, objName); err != nil {
		return fmt.Errorf("delete %s: %w", d.describe(namespace, objName), err)
	}
	return d.deleteParts(ctx, namespace, name, version)
}

// lastWritten is the newest of the writer's modifiedAt and createdAt
// labels (Unix seconds), else the object's creation.
func lastWritten(o object) time.Time {
	t := o.Created
	for _, l := range []string{LabelCreatedAt, LabelModifiedAt} {
		if sec, err := strconv.ParseInt(o.Labels[l], 10, 64); err == nil && time.Unix(sec, 0).After(t) {
			t = time.Unix(sec, 0)
		}
	}
	return t
}

// userLabels are the release's labels: the record object's, without the
// store's own.
func userLabels(labels map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range labels {
		if !systemLabels[k] {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
