package kube

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// Lookup answers the template function lookup against the live cluster, as
// Helm does: an object as a map, a list when name is empty, and an empty map
// when the object or its kind does not exist.
func (c *Client) Lookup(ctx context.Context) func(apiVersion, kind, namespace, name string) (map[string]any, error) {
	return func(apiVersion, kind, namespace, name string) (map[string]any, error) {
		gv, err := schema.ParseGroupVersion(apiVersion)
		if err != nil {
			return map[string]any{}, fmt.Errorf("lookup: invalid apiVersion %q: %w", apiVersion, err)
		}
		mapping, err := c.mapper.RESTMapping(gv.WithKind(kind).GroupKind(), gv.Version)
		if meta.IsNoMatchError(err) {
			return map[string]any{}, nil
		}
		if err != nil {
			return map[string]any{}, fmt.Errorf("lookup %s %s: %w", apiVersion, kind, err)
		}
		var ri dynamic.ResourceInterface = c.dynamic.Resource(mapping.Resource)
		if mapping.Scope.Name() == meta.RESTScopeNameNamespace && namespace != "" {
			ri = c.dynamic.Resource(mapping.Resource).Namespace(namespace)
		}
		if name == "" {
			list, err := ri.List(ctx, metav1.ListOptions{})
			if apierrors.IsNotFound(err) {
				return map[string]any{}, nil
			}
			if err != nil {
				return map[string]any{}, fmt.Errorf("lookup %s %s in %q: %w", apiVersion, kind, namespace, err)
			}
			return list.UnstructuredContent(), nil
		}
		obj, err := ri.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return map[string]any{}, nil
		}
		if err != nil {
			return map[string]any{}, fmt.Errorf("lookup %s %s %s in %q: %w", apiVersion, kind, name, namespace, err)
		}
		return obj.UnstructuredContent(), nil
	}
}
