package lint

import (
	"sort"
	"strconv"
	"strings"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/manifest"
	"github.com/kpkg/kpkg/pkg/render"
)

// crdSchemas maps a custom resource's apiVersion and kind to the schema its
// CRD declares.
type crdSchemas map[schema.GroupVersionKind]*apiextv1.JSONSchemaProps

// crdDocument is the part of a CustomResourceDefinition (v1 or v1beta1)
// needed to find its schemas; both versions share the schema's JSON shape.
type crdDocument struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		Group                 string `json:"group"`
		PreserveUnknownFields *bool  `json:"preserveUnknownFields"`
		Names                 struct {
			Kind string `json:"kind"`
		} `json:"names"`
		Validation *crdValidation `json:"validation"`
		Versions   []struct {
			Name   string         `json:"name"`
			Schema *crdValidation `json:"schema"`
		} `json:"versions"`
	} `json:"spec"`
}

type crdValidation struct {
	OpenAPIV3Schema *apiextv1.JSONSchemaProps `json:"openAPIV3Schema"`
}

// crdIndex finds the schema of a custom resource among the CRDs a render
// carries: the files of crds/ directories and CustomResourceDefinition
// objects among the templates. CRDs can be megabytes of YAML, so a document
// is parsed only when it mentions the group and kind asked for.
type crdIndex struct {
	docs    []string
	parsed  []bool
	schemas crdSchemas
}

func newCRDIndex(res *render.Result) *crdIndex {
	x := &crdIndex{schemas: crdSchemas{}}
	for _, f := range res.CRDs {
		x.docs = append(x.docs, manifest.SplitDocuments(string(f.File.Data))...)
	}
	for _, m := range res.Manifests {
		if m.Head.Kind == "CustomResourceDefinition" {
			x.docs = append(x.docs, m.Content)
		}
	}
	for _, h := range res.Hooks {
		if h.Kind == "CustomResourceDefinition" {
			x.docs = append(x.docs, h.Manifest)
		}
	}
	x.parsed = make([]bool, len(x.docs))
	return x
}

// schemaFor returns the schema for gvk, nil when no CRD declares one.
func (x *crdIndex) schemaFor(gvk schema.GroupVersionKind) *apiextv1.JSONSchemaProps {
	if s, ok := x.schemas[gvk]; ok {
		return s
	}
	for i, doc := range x.docs {
		if x.parsed[i] || !strings.Contains(doc, gvk.Group) || !strings.Contains(doc, gvk.Kind) {
			continue
		}
		x.parsed[i] = true
		addCRD(x.schemas, doc)
	}
	return x.schemas[gvk]
}

func addCRD(out crdSchemas, doc string) {
	var crd crdDocument
	if yaml.Unmarshal([]byte(doc), &crd) != nil || crd.Kind != "CustomResourceDefinition" {
		return
	}
	// Without pruning (the v1beta1 default) the API server keeps unknown
	// fields, so there is nothing to report.
	preserve := crd.APIVersion == "apiextensions.k8s.io/v1beta1"
	if p := crd.Spec.PreserveUnknownFields; p != nil {
		preserve = *p
	}
	if preserve {
		return
	}
	for _, v := range crd.Spec.Versions {
		s := v.Schema
		if s == nil {
			s = crd.Spec.Validation
		}
		if s == nil || s.OpenAPIV3Schema == nil {
			continue
		}
		out[schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}] = s.OpenAPIV3Schema
	}
}

// unknownFields lists the fields of v that the API server would prune
// under structural schema s, in the path syntax of the JSON decoder. At the
// root, apiVersion, kind and metadata are always kept; under
// x-kubernetes-preserve-unknown-fields only the declared fields are checked.
func unknownFields(v any, s *apiextv1.JSONSchemaProps, path string, root bool, out *[]string) {
	if s == nil {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		if ap := s.AdditionalProperties; ap != nil {
			if ap.Schema != nil {
				for _, k := range sortedMapKeys(t) {
					unknownFields(t[k], ap.Schema, joinPath(path, k), false, out)
				}
			}
			return
		}
		preserve := s.XPreserveUnknownFields != nil && *s.XPreserveUnknownFields
		prunes := !preserve && (s.Type == "object" || len(s.Properties) > 0)
		for _, k := range sortedMapKeys(t) {
			if (root || s.XEmbeddedResource) && (k == "apiVersion" || k == "kind" || k == "metadata") {
				continue
			}
			if prop, ok := s.Properties[k]; ok {
				unknownFields(t[k], &prop, joinPath(path, k), false, out)
			} else if prunes {
				*out = append(*out, joinPath(path, k))
			}
		}
	case []any:
		if s.Items == nil || s.Items.Schema == nil {
			return
		}
		for i, item := range t {
			unknownFields(item, s.Items.Schema, path+"["+strconv.Itoa(i)+"]", false, out)
		}
	}
}

func joinPath(path, key string) string {
	if path == "" || key == "" {
		return path + key
	}
	return path + "." + key
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
