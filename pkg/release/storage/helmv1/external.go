package helmv1

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/manifest"
	"github.com/kpkg/kpkg/pkg/release/record"
	"github.com/kpkg/kpkg/pkg/release/storage"
)

// The document that stands in for the manifest of a revision stored in
// parts.
const (
	externalAPIVersion = "kpkg.dev/v1"
	externalKind       = "ExternalReleasePayload"
)

// partMargin leaves room in a part object for its key and metadata.
const partMargin = 4096

// external locates a payload stored in parts.
type external struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		// Name is the record object the parts belong to; parts are
		// Name.part-1 to Name.part-N.
		Name string `json:"name"`
	} `json:"metadata"`
	Payload struct {
		Parts  int    `json:"parts"`
		Bytes  int    `json:"bytes"`
		Digest string `json:"digest"`
	} `json:"payload"`
}

func (e *external) manifest(kind string) string {
	return fmt.Sprintf(`---
# Source: kpkg/external-payload.yaml
# kpkg stored this revision in %d %ss (%s.part-1 to part-%d,
# %d bytes compressed) because it is larger than one %s holds. Helm lists
# and shows it, but cannot upgrade from it, roll back to it or uninstall it:
# use kpkg for this revision.
apiVersion: %s
kind: %s
metadata:
  name: %s
payload:
  parts: %d
  bytes: %d
  digest: %s
`, e.Payload.Parts, kind, e.Metadata.Name, e.Payload.Parts, e.Payload.Bytes, kind,
		e.APIVersion, e.Kind, e.Metadata.Name, e.Payload.Parts, e.Payload.Bytes, e.Payload.Digest)
}

// parseExternal recognises a stand-in manifest.
func parseExternal(m string) (*external, bool) {
	if !strings.Contains(m, "kind: "+externalKind) {
		return nil, false
	}
	docs := manifest.SplitDocuments(m)
	if len(docs) != 1 {
		return nil, false
	}
	var e external
	if err := yaml.Unmarshal([]byte(docs[0]), &e); err != nil || e.APIVersion != externalAPIVersion || e.Kind != externalKind {
		return nil, false
	}
	return &e, true
}

func partName(recordName string, k int) string {
	return recordName + ".part-" + strconv.Itoa(k)
}

func partSelector(name string, version int) string {
	return fmt.Sprintf("%s=%s,%s=%s,%s=%d,%s", LabelOwner, OwnerKpkg, LabelName, name, LabelVersion, version, LabelPart)
}

func digestOf(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// writeParts stores data in parts and returns the value of the record that
// points at them.
func (d *Driver) writeParts(ctx context.Context, rel *record.Release, data []byte) (storage.Placement, []byte, error) {
	if err := d.deleteParts(ctx, rel.Namespace, rel.Name, rel.Version); err != nil {
		return storage.Placement{}, nil, err
	}
	recordName := ObjectName(rel.Name, rel.Version)
	size := d.opts.MaxObjectBytes - partMargin
	var ext external
	ext.APIVersion, ext.Kind, ext.Metadata.Name = externalAPIVersion, externalKind, recordName
	ext.Payload.Bytes, ext.Payload.Digest = len(data), digestOf(data)
	for k, rest := 1, data; len(rest) > 0; k++ {
		chunk := rest[:min(size, len(rest))]
		rest = rest[len(chunk):]
		obj := &object{Name: partName(recordName, k), Value: chunk, Labels: map[string]string{
			LabelOwner: OwnerKpkg, LabelName: rel.Name, LabelVersion: strconv.Itoa(rel.Version), LabelPart: strconv.Itoa(k),
		}}
		if err := d.objs.create(ctx, rel.Namespace, obj, dataKey, true); err != nil {
			_ = d.deleteParts(context.WithoutCancel(ctx), rel.Namespace, rel.Name, rel.Version)
			return storage.Placement{}, nil, fmt.Errorf("store part %d of release %s revision %d as %s: %w",
				k, rel.Name, rel.Version, d.describe(rel.Namespace, obj.Name), err)
		}
		ext.Payload.Parts = k
	}
	value, err := d.stubValue(rel, ext.manifest(d.objs.kind()))
	if err != nil {
		_ = d.deleteParts(context.WithoutCancel(ctx), rel.Namespace, rel.Name, rel.Version)
		return storage.Placement{}, nil, err
	}
	return storage.Placement{External: true, Parts: ext.Payload.Parts, Bytes: len(data)}, value, nil
}

// stubValue encodes the record of a revision stored in parts.
func (d *Driver) stubValue(rel *record.Release, stand string) ([]byte, error) {
	value, _, err := d.encodeFitting(stubOf(rel, stand))
	if err == nil && value == nil {
		// The values or notes alone are too large: leave them to the parts.
		trimmed := stubOf(rel, stand)
		trimmed.Config, trimmed.Info.Notes = nil, ""
		value, _, err = d.encodeFitting(trimmed)
	}
	if err == nil && value == nil {
		err = fmt.Errorf("release %s revision %d: even its summary does not fit in one %s", rel.Name, rel.Version, d.objs.kind())
	}
	return value, err
}

// stubOf is the record Helm sees for a revision stored in parts: its
// status, chart metadata and values, and the stand-in manifest. Hooks are
// left out, so Helm runs none of them against a manifest it cannot build.
func stubOf(rel *record.Release, stand string) *record.Release {
	stub := *rel
	info := *rel.Info
	stub.Info = &info
	stub.Manifest = stand
	stub.Hooks = nil
	if rel.Chart != nil {
		stub.Chart = &record.Chart{Metadata: rel.Chart.Metadata}
	}
	return &stub
}

// readParts reassembles and decodes an external payload.
func (d *Driver) readParts(ctx context.Context, namespace string, e *external) (*record.Release, error) {
	maxBytes := d.opts.MaxDecoded
	if maxBytes <= 0 {
		maxBytes = record.DefaultMaxDecoded
	}
	if e.Payload.Parts < 1 || e.Payload.Bytes < 1 || int64(e.Payload.Bytes) > maxBytes {
		return nil, fmt.Errorf("external payload of %s: %d parts of %d bytes is not a valid size", e.Metadata.Name, e.Payload.Parts, e.Payload.Bytes)
	}
	var buf bytes.Buffer
	buf.Grow(e.Payload.Bytes)
	for k := 1; k <= e.Payload.Parts; k++ {
		name := partName(e.Metadata.Name, k)
		o, err := d.objs.get(ctx, namespace, name, dataKey)
		if err != nil {
			return nil, fmt.Errorf("read part %d of %d, %s: %w", k, e.Payload.Parts, d.describe(namespace, name), err)
		}
		if buf.Len()+len(o.Value) > e.Payload.Bytes {
			return nil, fmt.Errorf("%s: the parts hold more than the %d bytes recorded", d.describe(namespace, name), e.Payload.Bytes)
		}
		buf.Write(o.Value)
	}
	if got := digestOf(buf.Bytes()); got != e.Payload.Digest {
		return nil, fmt.Errorf("the parts of %s do not match their digest (%s, recorded %s)", e.Metadata.Name, got, e.Payload.Digest)
	}
	return record.Decode(buf.Bytes(), maxBytes)
}

// deleteParts deletes each part by name, after listing them: RBAC roles
// that let Helm manage its Secrets grant delete, not always deletecollection.
func (d *Driver) deleteParts(ctx context.Context, namespace, name string, version int) error {
	parts, err := d.objs.list(ctx, namespace, partSelector(name, version))
	if err != nil {
		return fmt.Errorf("list the parts of release %s revision %d: %w", name, version, err)
	}
	for _, p := range parts {
		if err := d.objs.delete(ctx, namespace, p.Name); err != nil {
			return fmt.Errorf("delete %s: %w", d.describe(namespace, p.Name), err)
		}
	}
	return nil
}
