package kube

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/cli-runtime/pkg/resource"
	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/manifest"
)

// Build turns a manifest (YAML documents) into API objects. Namespaced
// objects that name no namespace get namespace (the Client's Namespace
// when that is ""); cluster-scoped objects get none. Documents holding only
// comments are skipped and Lists are flattened. A kind the cluster does not
// serve is an error naming the document; discovery is refreshed once before
// giving up, so kinds from freshly installed CRDs are found.
func (c *Client) Build(ctx context.Context, namespace, manifest string) ([]*resource.Info, error) {
	b := builder{c: c, namespace: namespace}
	infos, err := b.build(manifest)
	if err != nil {
		return nil, fmt.Errorf("build objects from the manifest: %w", err)
	}
	return infos, ctx.Err()
}

// BuildStored builds the objects of a manifest stored with an earlier
// revision, for reading their status or deleting them. Clusters stop
// serving API versions (on upgrades, or when a CRD drops a version) while
// objects written under them live on under another version; Helm then
// cannot uninstall or upgrade the release at all. Here an object whose
// apiVersion is no longer served is addressed through the version the
// cluster prefers for its group and kind, and an object whose kind is
// served in no version, which therefore cannot exist, is left out and named
// in gone.
func (c *Client) BuildStored(ctx context.Context, namespace, stream string) (infos []*resource.Info, gone []string, err error) {
	b := builder{c: c, namespace: namespace, stored: true}
	infos, err = b.build(stream)
	if err != nil {
		return nil, nil, fmt.Errorf("build objects from the stored manifest: %w", err)
	}
	return infos, b.gone, ctx.Err()
}

// builder turns the documents of one manifest into infos.
type builder struct {
	c         *Client
	namespace string
	// stored tolerates API versions that are no longer served (BuildStored).
	stored bool
	gone   []string
	// refreshed is set once discovery was refreshed for this manifest.
	refreshed bool
}

func (b *builder) build(stream string) ([]*resource.Info, error) {
	var infos []*resource.Info
	for i, doc := range manifest.SplitDocuments(stream) {
		objs, err := decodeDocument(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		for _, obj := range objs {
			info, err := b.info(obj)
			if err != nil {
				return nil, fmt.Errorf("document %d (%s): %w", i+1, describeObject(obj), err)
			}
			if info != nil {
				infos = append(infos, info)
			}
		}
	}
	return infos, nil
}

// decodeDocument reads one YAML document: nothing for a document of only
// comments, the items of a List, else the object.
func decodeDocument(doc string) ([]*unstructured.Unstructured, error) {
	js, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	var v any
	// utiljson keeps integers as int64, as unstructured objects need.
	if err := utiljson.Unmarshal(js, &v); err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not an object but %T", v)
	}
	obj := &unstructured.Unstructured{Object: m}
	items, isList := m["items"].([]any)
	if !isList || !strings.HasSuffix(obj.GetKind(), "List") {
		return []*unstructured.Unstructured{obj}, nil
	}
	out := make([]*unstructured.Unstructured, 0, len(items))
	for j, it := range items {
		im, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s item %d is not an object", obj.GetKind(), j+1)
		}
		out = append(out, &unstructured.Unstructured{Object: im})
	}
	return out, nil
}

// info maps obj and settles its namespace; nil when obj is a stored object
// whose kind is no longer served.
func (b *builder) info(obj *unstructured.Unstructured) (*resource.Info, error) {
	gvk := obj.GroupVersionKind()
	switch {
	case obj.GetAPIVersion() == "":
		return nil, fmt.Errorf("apiVersion is missing")
	case gvk.Kind == "":
		return nil, fmt.Errorf("kind is missing")
	case obj.GetName() == "":
		return nil, fmt.Errorf("metadata.name is missing")
	}
	mapping, err := b.mapping(gvk)
	if meta.IsNoMatchError(err) && b.stored {
		mapping, err = b.servedMapping(obj)
		if mapping == nil && err == nil {
			return nil, nil
		}
	}
	if err != nil {
		return nil, err
	}
	ns := ""
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		ns = obj.GetNamespace()
		if ns == "" {
			ns = b.namespace
		}
		if ns == "" {
			ns = b.c.Namespace
		}
	}
	obj.SetNamespace(ns)
	return &resource.Info{Name: obj.GetName(), Namespace: ns, Mapping: mapping, Object: obj}, nil
}

// mapping finds the resource of gvk, refreshing discovery once per
// manifest when the kind is unknown.
func (b *builder) mapping(gvk schema.GroupVersionKind) (*meta.RESTMapping, error) {
	m, err := b.c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) && !b.refreshed {
		b.refreshed = true
		b.c.ResetMapper()
		m, err = b.c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if meta.IsNoMatchError(err) {
		return nil, fmt.Errorf("the cluster does not serve %s in %s: %w", gvk.Kind, gvk.GroupVersion(), err)
	}
	if err != nil {
		return nil, fmt.Errorf("map %s %s: %w", gvk.GroupVersion(), gvk.Kind, err)
	}
	return m, nil
}

// servedMapping maps a stored object whose apiVersion is no longer served
// through the version the cluster prefers for its kind, rewriting its
// apiVersion; nil, recorded in gone, when no version of the kind is served.
func (b *builder) servedMapping(obj *unstructured.Unstructured) (*meta.RESTMapping, error) {
	gvk := obj.GroupVersionKind()
	m, err := b.c.mapper.RESTMapping(gvk.GroupKind())
	if meta.IsNoMatchError(err) {
		b.gone = append(b.gone, fmt.Sprintf("%s %s (%s is no longer served)", gvk.Kind, obj.GetName(), obj.GetAPIVersion()))
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", gvk.GroupKind(), err)
	}
	obj.SetAPIVersion(m.GroupVersionKind.GroupVersion().String())
	return m, nil
}

// describeObject names an object of a manifest in errors.
func describeObject(obj *unstructured.Unstructured) string {
	parts := []string{}
	for _, p := range []string{obj.GetAPIVersion(), obj.GetKind(), obj.GetName()} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "object"
	}
	return strings.Join(parts, " ")
}
