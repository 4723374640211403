package release

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
)

// Store keeps revisions as Secrets in the release's namespace.
type Store struct {
	core kubernetes.Interface
	meta metadata.Interface
}

// NewStore uses core for reads and writes and md for cheap listing.
func NewStore(core kubernetes.Interface, md metadata.Interface) *Store {
	return &Store{core: core, meta: md}
}

// Create writes a new revision. Part Secrets are written first and the head
// last, so a reader never sees a revision whose parts are missing; a
// revision that already exists is an error.
func (s *Store) Create(ctx context.Context, rel *Release) error {
	data, err := encode(rel)
	if err != nil {
		return err
	}
	chunks := split(data, chunkSize)
	secrets := s.core.CoreV1().Secrets(rel.Namespace)
	if err := s.deleteParts(ctx, rel.Namespace, rel.Name, rel.Version); err != nil {
		return err
	}
	for i := 1; i < len(chunks); i++ {
		part := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: partName(rel.Name, rel.Version, i), Labels: partLabels(rel, i)},
			Type:       PartSecretType,
			Data:       map[string][]byte{dataKey: chunks[i]},
		}
		if _, err := secrets.Create(ctx, part, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("store part %d of release %s revision %d: %w", i, rel.Name, rel.Version, err)
		}
	}
	head, err := headSecret(rel, chunks[0], len(chunks), digest(data))
	if err != nil {
		return err
	}
	if _, err := secrets.Create(ctx, head, metav1.CreateOptions{}); err != nil {
		_ = s.deleteParts(context.WithoutCancel(ctx), rel.Namespace, rel.Name, rel.Version)
		if apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("release %s revision %d already exists in namespace %s: another operation created it", rel.Name, rel.Version, rel.Namespace)
		}
		return fmt.Errorf("store release %s revision %d: %w", rel.Name, rel.Version, err)
	}
	return nil
}

// Update records a revision's new Info (status, description, times). The
// payload is immutable and not rewritten.
func (s *Store) Update(ctx context.Context, rel *Release) error {
	ann, err := mutableAnnotations(rel)
	if err != nil {
		return err
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"labels":      map[string]string{LabelStatus: string(rel.Info.Status)},
		"annotations": ann,
	}})
	if err != nil {
		return err
	}
	_, err = s.meta.Resource(corev1.SchemeGroupVersion.WithResource("secrets")).Namespace(rel.Namespace).
		Patch(ctx, secretName(rel.Name, rel.Version), types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("update release %s revision %d to %s: %w", rel.Name, rel.Version, rel.Info.Status, err)
	}
	return nil
}

// Get reads a whole revision, reassembling its parts and checking the
// payload's digest.
func (s *Store) Get(ctx context.Context, namespace, name string, version int) (*Release, error) {
	secrets := s.core.CoreV1().Secrets(namespace)
	head, err := secrets.Get(ctx, secretName(name, version), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("release %s revision %d in namespace %s: %w", name, version, namespace, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read release %s revision %d: %w", name, version, err)
	}
	parts, _ := strconv.Atoi(head.Annotations[annParts])
	data := append([]byte(nil), head.Data[dataKey]...)
	for i := 1; i < parts; i++ {
		part, err := secrets.Get(ctx, partName(name, version, i), metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("read part %d of release %s revision %d: %w", i, name, version, err)
		}
		data = append(data, part.Data[dataKey]...)
	}
	if want := head.Annotations[annDigest]; want != "" && digest(data) != want {
		return nil, fmt.Errorf("release %s revision %d in namespace %s is corrupt (payload digest mismatch): roll back to another revision", name, version, namespace)
	}
	rel, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("release %s revision %d: %w", name, version, err)
	}
	sumRel, err := fromMeta(head.ObjectMeta)
	if err != nil {
		return nil, err
	}
	notes := rel.Info.Notes
	rel.Info = sumRel.Info
	rel.Info.Notes = notes
	if err := applyHookRuns(rel, head.ObjectMeta); err != nil {
		return nil, err
	}
	return rel, nil
}

// History lists every revision of a release, oldest first, without payloads.
// A release with no revisions yields ErrNotFound.
func (s *Store) History(ctx context.Context, namespace, name string) ([]*Release, error) {
	rels, err := s.list(ctx, namespace, LabelOwner+"="+OwnerValue+","+LabelName+"="+name+",!"+LabelPart)
	if err != nil {
		return nil, err
	}
	if len(rels) == 0 {
		return nil, fmt.Errorf("release %q in namespace %q: %w", name, namespace, ErrNotFound)
	}
	return rels, nil
}

// ListAll lists every revision of every release in namespace ("" for all
// namespaces), without payloads, by name then version.
func (s *Store) ListAll(ctx context.Context, namespace string) ([]*Release, error) {
	return s.list(ctx, namespace, LabelOwner+"="+OwnerValue+",!"+LabelPart)
}

func (s *Store) list(ctx context.Context, namespace, selector string) ([]*Release, error) {
	list, err := s.meta.Resource(corev1.SchemeGroupVersion.WithResource("secrets")).Namespace(namespace).
		List(ctx, metav1.ListOptions{LabelSelector: selector, FieldSelector: "type=" + SecretType})
	if err != nil {
		return nil, fmt.Errorf("list releases in namespace %q: %w", namespace, err)
	}
	out := make([]*Release, 0, len(list.Items))
	for _, item := range list.Items {
		rel, err := fromMeta(item.ObjectMeta)
		if err != nil {
			return nil, err
		}
		out = append(out, rel)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// Delete removes a revision: the head first, so no reader finds a
// revision with missing parts, then its parts.
func (s *Store) Delete(ctx context.Context, namespace, name string, version int) error {
	err := s.core.CoreV1().Secrets(namespace).Delete(ctx, secretName(name, version), metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete release %s revision %d: %w", name, version, err)
	}
	return s.deleteParts(ctx, namespace, name, version)
}

func (s *Store) deleteParts(ctx context.Context, namespace, name string, version int) error {
	sel := fmt.Sprintf("%s=%s,%s=%s,%s=%d,%s", LabelOwner, OwnerValue, LabelName, name, LabelVersion, version, LabelPart)
	err := s.core.CoreV1().Secrets(namespace).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: sel})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete stored parts of release %s revision %d: %w", name, version, err)
	}
	return nil
}
