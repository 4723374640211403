package kube

import (
	"context"
	"fmt"
	"strings"

	"github.com/kpkg/kpkg/pkg/manifest"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/resource"
	"sigs.k8s.io/yaml"
)

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
	infos, err = c.Build(ctx, namespace, stream)
	if err == nil || !isNoMatch(err) {
		return infos, nil, err
	}
	var kept []string
	for _, doc := range manifest.SplitDocuments(stream) {
		out, lost, err := c.servedVersionOf(doc)
		if err != nil {
			return nil, nil, err
		}
		if lost != "" {
			gone = append(gone, lost)
		}
		if out != "" {
			kept = append(kept, out)
		}
	}
	infos, err = c.Build(ctx, namespace, strings.Join(kept, "\n---\n"))
	return infos, gone, err
}

func isNoMatch(err error) bool {
	return meta.IsNoMatchError(err) || strings.Contains(err.Error(), "no matches for kind")
}

// servedVersionOf returns doc as it can be built now: unchanged when its
// apiVersion is served, with the preferred version of its kind when only
// that is, or a description in lost when the kind is not served at all.
func (c *Client) servedVersionOf(doc string) (out, lost string, err error) {
	var obj map[string]any
	if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
		return "", "", fmt.Errorf("read a stored object: %w", err)
	}
	if obj == nil {
		return "", "", nil // only comments
	}
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return "", "", fmt.Errorf("read a stored object: %w", err)
	}
	if _, err := c.mapper.RESTMapping(gv.WithKind(kind).GroupKind(), gv.Version); err == nil {
		return doc, "", nil
	} else if !meta.IsNoMatchError(err) {
		return "", "", fmt.Errorf("map %s %s: %w", apiVersion, kind, err)
	}
	metadata, _ := obj["metadata"].(map[string]any)
	name, _ := metadata["name"].(string)
	m, err := c.mapper.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: kind})
	if meta.IsNoMatchError(err) {
		return "", fmt.Sprintf("%s %s (%s is no longer served)", kind, name, apiVersion), nil
	}
	if err != nil {
		return "", "", fmt.Errorf("map %s %s: %w", apiVersion, kind, err)
	}
	obj["apiVersion"] = m.GroupVersionKind.GroupVersion().String()
	b, err := yaml.Marshal(obj)
	if err != nil {
		return "", "", fmt.Errorf("rewrite %s %s: %w", kind, name, err)
	}
	return string(b), "", nil
}
