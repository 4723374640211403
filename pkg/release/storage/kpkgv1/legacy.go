package kpkgv1

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kpkg/kpkg/pkg/chart"
	"github.com/kpkg/kpkg/pkg/release/record"
	"github.com/kpkg/kpkg/pkg/release/storage"
)

// The layout of the earlier format.
const (
	SecretType     = "kpkg.dev/release.v1"
	PartSecretType = "kpkg.dev/release-part.v1"

	labelOwner   = "owner"
	ownerValue   = "kpkg"
	labelName    = "name"
	labelVersion = "version"
	labelStatus  = "status"
	labelPart    = "kpkg.dev/part"

	annInfo   = "kpkg.dev/info"
	annParts  = "kpkg.dev/parts"
	annDigest = "kpkg.dev/payload-digest"
	annHooks  = "kpkg.dev/hook-runs"
	dataKey   = "release"

	// payloadFormat is the newest payload format this reader knows.
	payloadFormat = 1
)

// ErrReadOnly is returned by Create and Update: the format is only read.
var ErrReadOnly = errors.New("kpkg's earlier release format is read-only")

// Driver reads kpkg's earlier release Secrets.
type Driver struct {
	core kubernetes.Interface
	// MaxDecoded bounds a payload's decompressed size; 0 means
	// record.DefaultMaxDecoded.
	MaxDecoded int64
}

var _ storage.Driver = (*Driver)(nil)

// New reads through core.
func New(core kubernetes.Interface) *Driver { return &Driver{core: core} }

// Name is "kpkg-v1".
func (d *Driver) Name() string { return "kpkg-v1" }

func secretName(name string, version int) string {
	return fmt.Sprintf("kpkg.release.v1.%s.v%d", name, version)
}

// Index lists the head Secrets of the earlier format.
func (d *Driver) Index(ctx context.Context, namespace, name string) ([]storage.Entry, error) {
	sel := labelOwner + "=" + ownerValue + ",!" + labelPart
	if name != "" {
		sel += "," + labelName + "=" + name
	}
	list, err := d.core.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{LabelSelector: sel, FieldSelector: "type=" + SecretType})
	if err != nil {
		return nil, fmt.Errorf("list kpkg release Secrets in namespace %q: %w", namespace, err)
	}
	var out []storage.Entry
	for _, s := range list.Items {
		v, err := strconv.Atoi(s.Labels[labelVersion])
		if err != nil || v < 1 || s.Labels[labelName] == "" {
			continue
		}
		out = append(out, storage.Entry{Namespace: s.Namespace, Name: s.Labels[labelName], Version: v,
			Status: record.Status(s.Labels[labelStatus]), Object: "Secret " + s.Namespace + "/" + s.Name,
			Created: s.CreationTimestamp.Time, Modified: s.CreationTimestamp.Time, Labels: s.Labels, Annotations: s.Annotations})
	}
	return out, nil
}

// Get reads and converts a revision.
func (d *Driver) Get(ctx context.Context, namespace, name string, version int) (*record.Release, error) {
	secrets := d.core.CoreV1().Secrets(namespace)
	objName := "Secret " + namespace + "/" + secretName(name, version)
	head, err := secrets.Get(ctx, secretName(name, version), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("%s: %w", objName, storage.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", objName, err)
	}
	rel, err := d.read(ctx, secrets, head)
	if err != nil {
		return nil, &storage.CorruptError{Object: objName, Err: err}
	}
	return rel, nil
}

type secretGetter interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (*corev1.Secret, error)
}

func (d *Driver) read(ctx context.Context, secrets secretGetter, head *corev1.Secret) (*record.Release, error) {
	parts, _ := strconv.Atoi(head.Annotations[annParts])
	data := append([]byte(nil), head.Data[dataKey]...)
	for i := 1; i < parts; i++ {
		part, err := secrets.Get(ctx, fmt.Sprintf("%s.part%d", head.Name, i), metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("read part %d: %w", i, err)
		}
		data = append(data, part.Data[dataKey]...)
	}
	if want := head.Annotations[annDigest]; want != "" && digest(data) != want {
		return nil, fmt.Errorf("payload digest mismatch (%s, recorded %s)", digest(data), want)
	}
	old, err := d.decode(data)
	if err != nil {
		return nil, err
	}
	var info legacyInfo
	if err := json.Unmarshal([]byte(head.Annotations[annInfo]), &info); err != nil {
		return nil, fmt.Errorf("bad %s annotation: %w", annInfo, err)
	}
	info.Notes = old.Info.Notes
	rel := old.convert(info)
	rel.Namespace = head.Namespace
	if raw := head.Annotations[annHooks]; raw != "" {
		var runs map[string]legacyRun
		if err := json.Unmarshal([]byte(raw), &runs); err != nil {
			return nil, fmt.Errorf("bad %s annotation: %w", annHooks, err)
		}
		for _, h := range rel.Hooks {
			if run, ok := runs[h.Kind+"/"+h.Name]; ok {
				h.LastRun = run.execution()
			}
		}
	}
	return rel, nil
}

func (d *Driver) decode(data []byte) (*legacyRelease, error) {
	max := d.MaxDecoded
	if max <= 0 {
		max = record.DefaultMaxDecoded
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a release payload: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, max+1))
	if err != nil {
		return nil, fmt.Errorf("decompress release payload: %w", err)
	}
	if int64(len(raw)) > max {
		return nil, fmt.Errorf("%w: decompresses to more than %d bytes", record.ErrTooLarge, max)
	}
	var p legacyRelease
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("parse release payload: %w", err)
	}
	if p.Format > payloadFormat {
		return nil, fmt.Errorf("release payload format %d is newer than the newest this program reads (%d)", p.Format, payloadFormat)
	}
	if p.Info == nil {
		p.Info = &legacyInfo{}
	}
	return &p, nil
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Create is not supported: the format is read-only.
func (d *Driver) Create(context.Context, *record.Release, storage.WriteOptions) (storage.Placement, error) {
	return storage.Placement{}, ErrReadOnly
}

// Update is not supported: the format is read-only.
func (d *Driver) Update(context.Context, *record.Release, storage.WriteOptions) error {
	return ErrReadOnly
}

// Delete removes a revision's head, then its parts.
func (d *Driver) Delete(ctx context.Context, namespace, name string, version int) error {
	secrets := d.core.CoreV1().Secrets(namespace)
	err := secrets.Delete(ctx, secretName(name, version), metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete Secret %s/%s: %w", namespace, secretName(name, version), err)
	}
	sel := fmt.Sprintf("%s=%s,%s=%s,%s=%d,%s", labelOwner, ownerValue, labelName, name, labelVersion, version, labelPart)
	parts, err := secrets.List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return fmt.Errorf("list the parts of %s/%s: %w", namespace, secretName(name, version), err)
	}
	for _, p := range parts.Items {
		if err := secrets.Delete(ctx, p.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete Secret %s/%s: %w", namespace, p.Name, err)
		}
	}
	return nil
}

// The earlier payload.
type legacyRelease struct {
	Format    int         `json:"format"`
	Name      string      `json:"name"`
	Namespace string      `json:"namespace"`
	Version   int         `json:"version"`
	Info      *legacyInfo `json:"info"`
	Chart     struct {
		Metadata *chart.Metadata `json:"metadata,omitempty"`
	} `json:"chart"`
	Config   map[string]any    `json:"config,omitempty"`
	Computed map[string]any    `json:"computed,omitempty"`
	Manifest string            `json:"manifest,omitempty"`
	Hooks    []*legacyHook     `json:"hooks,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
}

type legacyInfo struct {
	FirstDeployed time.Time `json:"first_deployed,omitzero"`
	LastDeployed  time.Time `json:"last_deployed,omitzero"`
	Deleted       time.Time `json:"deleted,omitzero"`
	Description   string    `json:"description,omitempty"`
	Status        string    `json:"status,omitempty"`
	Notes         string    `json:"notes,omitempty"`
}

type legacyHook struct {
	Name              string    `json:"name,omitempty"`
	Kind              string    `json:"kind,omitempty"`
	Path              string    `json:"path,omitempty"`
	Manifest          string    `json:"manifest,omitempty"`
	Events            []string  `json:"events,omitempty"`
	Weight            int       `json:"weight,omitempty"`
	DeletePolicies    []string  `json:"delete_policies,omitempty"`
	OutputLogPolicies []string  `json:"output_log_policies,omitempty"`
	LastRun           legacyRun `json:"last_run,omitzero"`
}

type legacyRun struct {
	StartedAt   time.Time `json:"started_at,omitzero"`
	CompletedAt time.Time `json:"completed_at,omitzero"`
	Phase       string    `json:"phase,omitempty"`
}

func (r legacyRun) execution() record.HookExecution {
	return record.HookExecution{StartedAt: record.Time{Time: r.StartedAt}, CompletedAt: record.Time{Time: r.CompletedAt}, Phase: r.Phase}
}

// convert maps the earlier payload onto Helm's record. The chart's own
// values were not kept, only what the templates saw; as the chart's
// values, those give Helm's --reuse-values and `get values --all` the
// same result.
func (p *legacyRelease) convert(info legacyInfo) *record.Release {
	rel := &record.Release{
		Name: p.Name, Namespace: p.Namespace, Version: p.Version,
		Info: &record.Info{
			FirstDeployed: record.Time{Time: info.FirstDeployed}, LastDeployed: record.Time{Time: info.LastDeployed},
			Deleted: record.Time{Time: info.Deleted}, Description: info.Description,
			Status: record.Status(info.Status), Notes: info.Notes,
		},
		Chart:       &record.Chart{Metadata: p.Chart.Metadata, Values: p.Computed},
		Config:      p.Config,
		Manifest:    p.Manifest,
		Labels:      p.Labels,
		ApplyMethod: record.ApplyServerSide,
	}
	for _, h := range p.Hooks {
		rel.Hooks = append(rel.Hooks, &record.Hook{
			Name: h.Name, Kind: h.Kind, Path: h.Path, Manifest: h.Manifest, Events: h.Events,
			LastRun: h.LastRun.execution(), Weight: h.Weight, DeletePolicies: h.DeletePolicies,
			OutputLogPolicies: h.OutputLogPolicies,
		})
	}
	return rel
}
