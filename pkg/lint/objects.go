package lint

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextv1beta1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	sjson "sigs.k8s.io/json"
)

// kubeScheme knows the Go type of every built-in kind and of
// CustomResourceDefinition. It is built once and only read afterwards.
var kubeScheme = sync.OnceValue(func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, apiextv1.AddToScheme, apiextv1beta1.AddToScheme} {
		if err := add(s); err != nil {
			panic(fmt.Sprintf("lint: building the Kubernetes type scheme: %v", err))
		}
	}
	return s
})

// objectChecker checks rendered objects against their Kubernetes types: the
// typed structs of k8s.io/api for built-in kinds, the schemas of the chart's
// CRDs for custom resources.
type objectChecker struct {
	scheme *runtime.Scheme
	target release
	crds   func() *crdIndex
}

var (
	duplicateKey = regexp.MustCompile(`line (\d+): key "((?:[^"\\]|\\.)*)" already set in map`)
	typeMismatch = regexp.MustCompile(`^json: cannot unmarshal (\S+) into Go struct field \S+?\.(\S+) of type (\S+)$`)
)

// check returns the findings on one rendered object, given as JSON, whose
// apiVersion and kind are gvk; what names the object in messages.
func (oc *objectChecker) check(loc locator, data []byte, gvk schema.GroupVersionKind, what string) []Finding {
	if gvk.Kind == "List" && gvk.Group == "" {
		return oc.checkList(loc, data)
	}
	return oc.checkObject(loc, "", data, gvk, what)
}

// duplicateFields turns the error of a strict YAML conversion into one
// finding per key set twice in a mapping, which YAML forbids and the API
// server warns about.
func duplicateFields(loc locator, err error, what string) []Finding {
	if err == nil {
		return nil
	}
	var out []Finding
	for _, m := range duplicateKey.FindAllStringSubmatch(err.Error(), -1) {
		line, _ := strconv.Atoi(m[1])
		key, _ := strconv.Unquote(`"` + m[2] + `"`)
		out = append(out, Finding{Severity: Warning, Path: loc.path, DocLine: line,
			Message: fmt.Sprintf("%s: duplicate field %q; only the last value is kept", what, key)})
	}
	return out
}

// checkList checks each item of a v1 List as the object it is: clients
// send the items, never the List, to the API server.
func (oc *objectChecker) checkList(loc locator, data []byte) []Finding {
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return []Finding{loc.at(Error, "items", fmt.Sprintf("List: items: %v", err))}
	}
	var out []Finding
	for i, item := range list.Items {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		at := fmt.Sprintf("items[%d]", i)
		if json.Unmarshal(item, &head) != nil || head.APIVersion == "" || head.Kind == "" {
			out = append(out, loc.at(Error, at, fmt.Sprintf("List: %s has no apiVersion or no kind", at)))
			continue
		}
		gv, err := schema.ParseGroupVersion(head.APIVersion)
		if err != nil {
			out = append(out, loc.at(Error, at+".apiVersion", fmt.Sprintf("List: %s: %v", at, err)))
			continue
		}
		what := fmt.Sprintf("%s %q", head.Kind, head.Metadata.Name)
		out = append(out, oc.checkObject(loc, at, item, gv.WithKind(head.Kind), what)...)
	}
	return out
}

// checkObject checks one object, given as JSON, found at field prefix of
// the document ("" for the document itself).
func (oc *objectChecker) checkObject(loc locator, prefix string, data []byte, gvk schema.GroupVersionKind, what string) []Finding {
	loc = loc.within(prefix)
	obj, err := oc.scheme.New(gvk)
	if err != nil {
		return oc.checkUntyped(loc, data, gvk, what)
	}
	var out []Finding
	strictErrs, err := sjson.UnmarshalStrict(data, obj, sjson.DisallowUnknownFields)
	for _, se := range strictErrs {
		out = append(out, unknownField(loc, what, fieldPath(se)))
	}
	if err != nil {
		out = append(out, typeError(loc, what, err))
	}
	if sev, msg := availability(gvk, lifecycleOf(obj), oc.target); sev != 0 {
		out = append(out, loc.at(sev, "apiVersion", msg))
	}
	return out
}

// checkUntyped handles kinds the scheme does not know: an unknown kind or
// version of a built-in group is a mistake; anything else is a custom
// resource, checked when the chart ships its CRD.
func (oc *objectChecker) checkUntyped(loc locator, data []byte, gvk schema.GroupVersionKind, what string) []Finding {
	if lc, ok := goneAPIs[gvk]; ok {
		sev, msg := availability(gvk, lc, oc.target)
		if sev == 0 {
			return nil
		}
		return []Finding{loc.at(sev, "apiVersion", msg)}
	}
	gv := gvk.GroupVersion()
	if oc.scheme.IsGroupRegistered(gvk.Group) {
		if !oc.scheme.IsVersionRegistered(gv) {
			return []Finding{loc.at(Warning, "apiVersion", fmt.Sprintf("%s: Kubernetes has no API version %s", what, gv))}
		}
		return []Finding{loc.at(Warning, "kind", fmt.Sprintf("%s: Kubernetes API %s has no kind %s", what, gv, gvk.Kind))}
	}
	var obj map[string]any
	if err := sjson.UnmarshalCaseSensitivePreserveInts(data, &obj); err != nil {
		return []Finding{loc.at(Error, "", fmt.Sprintf("%s: %v", what, err))}
	}
	var out []Finding
	if meta, ok := obj["metadata"]; ok {
		out = append(out, checkMetadata(loc, what, meta)...)
	}
	if s := oc.crds().schemaFor(gvk); s != nil {
		var unknown []string
		unknownFields(obj, s, "", true, &unknown)
		for _, p := range unknown {
			out = append(out, unknownField(loc, what, p))
		}
	}
	return out
}

// checkMetadata decodes metadata strictly: it is an ObjectMeta for every
// kind, custom resources included.
func checkMetadata(loc locator, what string, meta any) []Finding {
	data, err := json.Marshal(meta)
	if err != nil {
		return nil
	}
	var om metav1.ObjectMeta
	strictErrs, err := sjson.UnmarshalStrict(data, &om, sjson.DisallowUnknownFields)
	var out []Finding
	for _, se := range strictErrs {
		out = append(out, unknownField(loc, what, "metadata."+fieldPath(se)))
	}
	if err != nil {
		out = append(out, loc.at(Error, "metadata", fmt.Sprintf("%s: metadata: %v", what, err)))
	}
	return out
}

func unknownField(loc locator, what, path string) Finding {
	return loc.at(Warning, path, fmt.Sprintf("%s: unknown field %q", what, path))
}

// typeError rewrites a JSON type mismatch into the field and the types, so
// the finding can point at the line.
func typeError(loc locator, what string, err error) Finding {
	m := typeMismatch.FindStringSubmatch(err.Error())
	if m == nil {
		return loc.at(Error, "", fmt.Sprintf("%s: %v", what, err))
	}
	return loc.at(Error, m[2], fmt.Sprintf("%s: field %q must be of type %s, not %s", what, m[2], m[3], m[1]))
}

func fieldPath(err error) string {
	if fe, ok := err.(interface{ FieldPath() string }); ok {
		return fe.FieldPath()
	}
	return strings.TrimSuffix(strings.TrimPrefix(err.Error(), `unknown field "`), `"`)
}
