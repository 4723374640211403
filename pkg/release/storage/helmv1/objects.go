package helmv1

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
)

// object is a Secret or ConfigMap as this package uses it: metadata and one
// value.
type object struct {
	Namespace   string
	Name        string
	Labels      map[string]string
	Annotations map[string]string
	// Value is the data under key, as bytes.
	Value   []byte
	Created time.Time
}

// objects reads and writes one kind of storage object.
type objects interface {
	kind() string
	// list returns the metadata of the objects matching selector (Value
	// is left empty).
	list(ctx context.Context, namespace, selector string) ([]object, error)
	get(ctx context.Context, namespace, name, key string) (*object, error)
	create(ctx context.Context, namespace string, o *object, key string, part bool) error
	update(ctx context.Context, namespace string, o *object, key string) error
	delete(ctx context.Context, namespace, name string) error
}

// Object types Helm and kpkg give their Secrets.
const (
	RecordSecretType = "helm.sh/release.v1"
	PartSecretType   = "kpkg.dev/release-payload-part.v1"
)

type secrets struct {
	core kubernetes.Interface
	meta metadata.Interface
}

func (s secrets) kind() string { return "Secret" }

func (s secrets) list(ctx context.Context, namespace, selector string) ([]object, error) {
	return metaList(ctx, s.meta, "secrets", namespace, selector)
}

func (s secrets) get(ctx context.Context, namespace, name, key string) (*object, error) {
	sec, err := s.core.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return &object{Name: sec.Name, Labels: sec.Labels, Annotations: sec.Annotations, Value: sec.Data[key], Created: sec.CreationTimestamp.Time}, nil
}

func (s secrets) build(o *object, key string, part bool) *corev1.Secret {
	typ := corev1.SecretType(RecordSecretType)
	if part {
		typ = PartSecretType
	}
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: o.Name, Labels: o.Labels, Annotations: o.Annotations},
		Type:       typ,
		Data:       map[string][]byte{key: o.Value},
	}
}

func (s secrets) create(ctx context.Context, namespace string, o *object, key string, part bool) error {
	_, err := s.core.CoreV1().Secrets(namespace).Create(ctx, s.build(o, key, part), metav1.CreateOptions{})
	return err
}

func (s secrets) update(ctx context.Context, namespace string, o *object, key string) error {
	_, err := s.core.CoreV1().Secrets(namespace).Update(ctx, s.build(o, key, false), metav1.UpdateOptions{})
	return err
}

func (s secrets) delete(ctx context.Context, namespace, name string) error {
	return ignoreNotFound(s.core.CoreV1().Secrets(namespace).Delete(ctx, name, metav1.DeleteOptions{}))
}

type configMaps struct {
	core kubernetes.Interface
	meta metadata.Interface
}

func (c configMaps) kind() string { return "ConfigMap" }

func (c configMaps) list(ctx context.Context, namespace, selector string) ([]object, error) {
	return metaList(ctx, c.meta, "configmaps", namespace, selector)
}

// get reads a record from Data (Helm keeps the base64 text there) and a
// part from BinaryData.
func (c configMaps) get(ctx context.Context, namespace, name, key string) (*object, error) {
	cm, err := c.core.CoreV1().ConfigMaps(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	v, ok := cm.BinaryData[key]
	if !ok {
		v = []byte(cm.Data[key])
	}
	return &object{Name: cm.Name, Labels: cm.Labels, Annotations: cm.Annotations, Value: v, Created: cm.CreationTimestamp.Time}, nil
}

func (c configMaps) build(o *object, key string, part bool) *corev1.ConfigMap {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: o.Name, Labels: o.Labels, Annotations: o.Annotations}}
	if part {
		cm.BinaryData = map[string][]byte{key: o.Value}
	} else {
		cm.Data = map[string]string{key: string(o.Value)}
	}
	return cm
}

func (c configMaps) create(ctx context.Context, namespace string, o *object, key string, part bool) error {
	_, err := c.core.CoreV1().ConfigMaps(namespace).Create(ctx, c.build(o, key, part), metav1.CreateOptions{})
	return err
}

func (c configMaps) update(ctx context.Context, namespace string, o *object, key string) error {
	_, err := c.core.CoreV1().ConfigMaps(namespace).Update(ctx, c.build(o, key, false), metav1.UpdateOptions{})
	return err
}

func (c configMaps) delete(ctx context.Context, namespace, name string) error {
	return ignoreNotFound(c.core.CoreV1().ConfigMaps(namespace).Delete(ctx, name, metav1.DeleteOptions{}))
}

// metaList lists only metadata: listing every revision of every release
// must not transfer every payload.
func metaList(ctx context.Context, md metadata.Interface, resource, namespace, selector string) ([]object, error) {
	l, err := md.Resource(corev1.SchemeGroupVersion.WithResource(resource)).Namespace(namespace).
		List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, err
	}
	out := make([]object, 0, len(l.Items))
	for _, it := range l.Items {
		out = append(out, fromMeta(it.ObjectMeta))
	}
	return out, nil
}

func fromMeta(m metav1.ObjectMeta) object {
	return object{Namespace: m.Namespace, Name: m.Name, Labels: m.Labels, Annotations: m.Annotations, Created: m.CreationTimestamp.Time}
}

func ignoreNotFound(err error) error {
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func describe(kind, namespace, name string) string {
	return fmt.Sprintf("%s %s/%s", kind, namespace, name)
}
