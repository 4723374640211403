package kube

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/dynamic"

	"github.com/kpkg/kpkg/pkg/manifest"
)

// Describe names an object in messages: "Deployment web (namespace shop)".
func Describe(info *resource.Info) string {
	kind := info.Object.GetObjectKind().GroupVersionKind().Kind
	if info.Mapping != nil {
		kind = info.Mapping.GroupVersionKind.Kind
	}
	if info.Namespace == "" {
		return fmt.Sprintf("%s %s", kind, info.Name)
	}
	return fmt.Sprintf("%s %s (namespace %s)", kind, info.Name, info.Namespace)
}

// Kind is the object's kind.
func Kind(info *resource.Info) string {
	if info.Mapping != nil {
		return info.Mapping.GroupVersionKind.Kind
	}
	return info.Object.GetObjectKind().GroupVersionKind().Kind
}

// Key identifies an object across revisions: group, kind, namespace, name.
func Key(info *resource.Info) string {
	gvk := info.Object.GetObjectKind().GroupVersionKind()
	if info.Mapping != nil {
		gvk = info.Mapping.GroupVersionKind
	}
	return manifest.ID{Group: gvk.Group, Kind: gvk.Kind, Namespace: info.Namespace, Name: info.Name}.String()
}

// SortForInstall orders objects by Helm's kind order, keeping the manifest
// order within a kind.
func SortForInstall(infos []*resource.Info) {
	sort.SliceStable(infos, func(i, j int) bool { return manifest.KindLess(Kind(infos[i]), Kind(infos[j])) })
}

// SortForUninstall orders objects for deletion: the reverse of install order.
func SortForUninstall(infos []*resource.Info) {
	sort.SliceStable(infos, func(i, j int) bool { return manifest.KindLess(Kind(infos[j]), Kind(infos[i])) })
}

// Difference returns the objects of old that are not in keep, by Key.
func Difference(old, keep []*resource.Info) []*resource.Info {
	have := make(map[string]bool, len(keep))
	for _, k := range keep {
		have[Key(k)] = true
	}
	var out []*resource.Info
	for _, o := range old {
		if !have[Key(o)] {
			out = append(out, o)
		}
	}
	return out
}

// ResourcePolicyAnnotation with value "keep" spares an object from deletion.
const ResourcePolicyAnnotation = "helm.sh/resource-policy"

// Kept reports whether the object asks to survive upgrades and uninstall.
func Kept(info *resource.Info) bool {
	u, ok := info.Object.(*unstructured.Unstructured)
	return ok && strings.TrimSpace(u.GetAnnotations()[ResourcePolicyAnnotation]) == "keep"
}

// resourceFor is the dynamic client of the object's resource and namespace.
func (c *Client) resourceFor(info *resource.Info) dynamic.ResourceInterface {
	return c.resourceOf(info.Mapping, info.Namespace)
}

// resourceOf is the dynamic client of a resource in a namespace.
func (c *Client) resourceOf(m *meta.RESTMapping, namespace string) dynamic.ResourceInterface {
	r := c.dynamic.Resource(m.Resource)
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		return r.Namespace(namespace)
	}
	return r
}

func unstructuredOf(info *resource.Info) (*unstructured.Unstructured, error) {
	u, ok := info.Object.(*unstructured.Unstructured)
	if !ok {
		return nil, fmt.Errorf("%s: unexpected object type %T", Describe(info), info.Object)
	}
	return u, nil
}
