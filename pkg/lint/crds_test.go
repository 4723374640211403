package lint

import (
	"reflect"
	"testing"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

func TestUnknownFields(t *testing.T) {
	schemaYAML := `
type: object
properties:
  spec:
    type: object
    properties:
      size: {type: integer}
      open:
        type: object
        x-kubernetes-preserve-unknown-fields: true
        properties:
          known:
            type: object
            properties:
              a: {type: string}
      labels:
        type: object
        additionalProperties:
          type: object
          properties:
            v: {type: string}
      items:
        type: array
        items:
          type: object
          properties:
            name: {type: string}
      template:
        type: object
        x-kubernetes-embedded-resource: true
        properties:
          spec: {type: object, properties: {x: {type: string}}}
      free: {}
`
	var s apiextv1.JSONSchemaProps
	if err := yaml.Unmarshal([]byte(schemaYAML), &s); err != nil {
		t.Fatal(err)
	}
	objYAML := `
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, anything: goes-here}
status: {}
spec:
  size: 1
  colour: red
  open: {whatever: 1, known: {a: x, b: y}}
  labels: {one: {v: x, w: y}}
  items: [{name: a}, {name: b, extra: 1}]
  template: {apiVersion: v1, kind: Pod, metadata: {}, spec: {x: a, z: b}}
  free: {anything: true}
`
	var obj map[string]any
	if err := yaml.Unmarshal([]byte(objYAML), &obj); err != nil {
		t.Fatal(err)
	}
	var got []string
	unknownFields(obj, &s, "", true, &got)
	want := []string{
		"spec.colour",
		"spec.items[1].extra",
		"spec.labels.one.w",
		"spec.open.known.b",
		"spec.template.spec.z",
		"status",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("unknown fields:\n got %q\nwant %q", got, want)
	}
}

func TestCRDsWithoutPruningAreSkipped(t *testing.T) {
	x := &crdIndex{schemas: crdSchemas{}}
	x.docs = []string{`apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
spec:
  group: example.com
  names: {kind: Legacy}
  validation:
    openAPIV3Schema: {type: object}
  versions: [{name: v1}]
`, `apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
spec:
  group: example.com
  preserveUnknownFields: false
  names: {kind: Pruned}
  validation:
    openAPIV3Schema: {type: object}
  versions: [{name: v1}]
`}
	x.parsed = make([]bool, len(x.docs))
	if s := x.schemaFor(gvkOf("example.com/v1", "Legacy")); s != nil {
		t.Error("a v1beta1 CRD that keeps unknown fields has a schema to prune by")
	}
	if s := x.schemaFor(gvkOf("example.com/v1", "Pruned")); s == nil {
		t.Error("a v1beta1 CRD with preserveUnknownFields: false has no schema")
	}
}

func gvkOf(apiVersion, kind string) schema.GroupVersionKind {
	gv, _ := schema.ParseGroupVersion(apiVersion)
	return gv.WithKind(kind)
}
