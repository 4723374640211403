package kube

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	clienttesting "k8s.io/client-go/testing"
)

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "managedfields", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// managersOf lists entries as "manager/operation[/subresource]", sorted.
func managersOf(entries []metav1.ManagedFieldsEntry) []string {
	var out []string
	for _, e := range entries {
		s := e.Manager + "/" + string(e.Operation)
		if e.Subresource != "" {
			s += "/" + e.Subresource
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// fieldsOf is the decoded fieldsV1 of manager's entry with operation op;
// nil when there is none.
func fieldsOf(t *testing.T, entries []metav1.ManagedFieldsEntry, manager string, op metav1.ManagedFieldsOperationType, sub string) map[string]any {
	t.Helper()
	for _, e := range entries {
		if e.Manager == manager && e.Operation == op && e.Subresource == sub {
			var m map[string]any
			if err := json.Unmarshal(e.FieldsV1.Raw, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	return nil
}

// hasField reports whether a fieldsV1 set holds the field at path, given
// as its steps separated by spaces: `f:metadata f:labels f:tier`.
func hasField(set map[string]any, path string) bool {
	var cur any = set
	for _, step := range strings.Fields(path) {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[step]; !ok {
			return false
		}
	}
	return true
}

func TestMigrationPatch(t *testing.T) {
	tests := []struct {
		fixture      string
		wantManagers []string
		// helmOwns and helmLacks are fields of the resulting "helm" Apply entry.
		helmOwns, helmLacks []string
		// untouched are other managers' entries that must come out unchanged.
		untouched [][3]string
	}{
		{
			fixture:      "helm3-deployment.yaml",
			wantManagers: []string{"helm/Apply", "kube-controller-manager/Update/scale", "kube-controller-manager/Update/status"},
			helmOwns: []string{"f:metadata f:labels f:tier", `f:spec f:template f:spec f:containers k:{"name":"app"} f:env k:{"name":"OLD_FLAG"}`,
				"f:spec f:template f:spec f:dnsPolicy"},
			helmLacks: []string{"f:spec f:replicas"},
			untouched: [][3]string{{"kube-controller-manager", "Update", "scale"}, {"kube-controller-manager", "Update", "status"}},
		},
		{
			fixture:      "kpkg-configmap.yaml",
			wantManagers: []string{"helm/Apply", "kubectl-edit/Update"},
			helmOwns:     []string{"f:data f:color", "f:data f:retired"},
			helmLacks:    []string{"f:data f:added-by-hand"},
			untouched:    [][3]string{{"kubectl-edit", "Update", ""}},
		},
		{
			fixture:      "helm4-and-kpkg-configmap.yaml",
			wantManagers: []string{"helm/Apply"},
			helmOwns:     []string{"f:data f:color", "f:data f:from-helm", "f:data f:from-kpkg"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			obj := mustObject(t, readFixture(t, tt.fixture))
			live, err := toMetadata(obj, obj.GroupVersionKind())
			if err != nil {
				t.Fatal(err)
			}
			if !needsMigration(live.ManagedFields) {
				t.Fatal("needsMigration = false")
			}
			patch, err := migrationPatch(live)
			if err != nil || patch == nil {
				t.Fatalf("migrationPatch = %s, %v", patch, err)
			}
			var ops []struct {
				Op    string          `json:"op"`
				Path  string          `json:"path"`
				Value json.RawMessage `json:"value"`
			}
			if err := json.Unmarshal(patch, &ops); err != nil {
				t.Fatal(err)
			}
			var got []metav1.ManagedFieldsEntry
			var rv string
			for _, op := range ops {
				switch op.Path {
				case "/metadata/managedFields":
					if err := json.Unmarshal(op.Value, &got); err != nil {
						t.Fatal(err)
					}
				case "/metadata/resourceVersion":
					_ = json.Unmarshal(op.Value, &rv)
				}
			}
			if rv != live.ResourceVersion {
				t.Errorf("patch guards resourceVersion %q, want %q", rv, live.ResourceVersion)
			}
			if m := managersOf(got); !slices.Equal(m, tt.wantManagers) {
				t.Errorf("managers = %v, want %v", m, tt.wantManagers)
			}
			helm := fieldsOf(t, got, FieldManager, metav1.ManagedFieldsOperationApply, "")
			for _, f := range tt.helmOwns {
				if !hasField(helm, f) {
					t.Errorf("helm does not own %s", f)
				}
			}
			for _, f := range tt.helmLacks {
				if hasField(helm, f) {
					t.Errorf("helm owns %s, which is another manager's", f)
				}
			}
			for _, u := range tt.untouched {
				before := fieldsOf(t, live.ManagedFields, u[0], metav1.ManagedFieldsOperationType(u[1]), u[2])
				after := fieldsOf(t, got, u[0], metav1.ManagedFieldsOperationType(u[1]), u[2])
				if after == nil || !reflect.DeepEqual(before, after) {
					t.Errorf("entry %v changed", u)
				}
			}
			if strings.Contains(string(patch), legacyAlias) {
				t.Error("the patch leaks the alias of kpkg's entries")
			}
		})
	}
}

func TestNeedsMigration(t *testing.T) {
	entry := func(m string, op metav1.ManagedFieldsOperationType, sub string) metav1.ManagedFieldsEntry {
		return metav1.ManagedFieldsEntry{Manager: m, Operation: op, Subresource: sub}
	}
	tests := []struct {
		name    string
		entries []metav1.ManagedFieldsEntry
		want    bool
	}{
		{"none", nil, false},
		{"applied by helm already", []metav1.ManagedFieldsEntry{entry("helm", "Apply", "")}, false},
		{"helm 3 client-side", []metav1.ManagedFieldsEntry{entry("helm", "Update", "")}, true},
		{"earlier kpkg", []metav1.ManagedFieldsEntry{entry("kpkg", "Apply", "")}, true},
		{"kpkg created a namespace", []metav1.ManagedFieldsEntry{entry("kpkg", "Update", "")}, false},
		{"a controller", []metav1.ManagedFieldsEntry{entry("kube-controller-manager", "Update", "")}, false},
		{"helm on a subresource", []metav1.ManagedFieldsEntry{entry("helm", "Update", "status")}, false},
	}
	for _, tt := range tests {
		if got := needsMigration(tt.entries); got != tt.want {
			t.Errorf("%s: needsMigration = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// The new revisions of the fixtures' charts: each drops a field.
const (
	webV2 = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: nginx:1.27
        env:
        - name: LOG_LEVEL
          value: debug
`
	settingsV2 = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: green
`
	sharedV2 = `apiVersion: v1
kind: ConfigMap
metadata:
  name: shared
data:
  color: red
`
)

func TestApplyTakesOverHelmAndKpkgFields(t *testing.T) {
	deployments := schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	configmaps := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	tests := []struct {
		fixture, chart string
		gvr            schema.GroupVersionResource
		name           string
		check          func(t *testing.T, live *unstructured.Unstructured)
	}{
		{"helm3-deployment.yaml", webV2, deployments, "web", func(t *testing.T, live *unstructured.Unstructured) {
			if _, found := live.GetLabels()["tier"]; found {
				t.Error("label tier, dropped by the chart, is still there")
			}
			containers, _, _ := unstructured.NestedSlice(live.Object, "spec", "template", "spec", "containers")
			env := containers[0].(map[string]any)["env"].([]any)
			if len(env) != 1 || env[0].(map[string]any)["value"] != "debug" {
				t.Errorf("env = %v, want only LOG_LEVEL=debug", env)
			}
			if r, _, _ := unstructured.NestedInt64(live.Object, "spec", "replicas"); r != 5 {
				t.Errorf("replicas = %d, want the autoscaler's 5", r)
			}
		}},
		{"kpkg-configmap.yaml", settingsV2, configmaps, "settings", func(t *testing.T, live *unstructured.Unstructured) {
			data, _, _ := unstructured.NestedStringMap(live.Object, "data")
			want := map[string]string{"color": "green", "added-by-hand": "keep me"}
			if !mapsEqual(data, want) {
				t.Errorf("data = %v, want %v", data, want)
			}
		}},
		{"helm4-and-kpkg-configmap.yaml", sharedV2, configmaps, "shared", func(t *testing.T, live *unstructured.Unstructured) {
			data, _, _ := unstructured.NestedStringMap(live.Object, "data")
			if want := map[string]string{"color": "red"}; !mapsEqual(data, want) {
				t.Errorf("data = %v, want %v", data, want)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			f := newFakeCluster(t)
			f.Add(t, readFixture(t, tt.fixture))
			c := f.client(t)
			infos, err := c.Build(context.Background(), "shop", tt.chart)
			if err != nil {
				t.Fatal(err)
			}
			f.ResetCounts()
			if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: Owner{Name: "web", Namespace: "shop"}}); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			live := f.Get(t, tt.gvr, "shop", tt.name)
			tt.check(t, live)
			for _, m := range managersOf(live.GetManagedFields()) {
				if m == "helm/Update" || strings.HasPrefix(m, "kpkg/") {
					t.Errorf("manager %s is left after the apply: %v", m, managersOf(live.GetManagedFields()))
				}
			}
			var jsonPatches int
			for _, a := range f.Dyn.Actions() {
				if p, ok := a.(clienttesting.PatchActionImpl); ok && p.GetPatchType() == types.JSONPatchType {
					jsonPatches++
				}
			}
			if jsonPatches != 1 {
				t.Errorf("%d ownership patches, want 1; requests %v", jsonPatches, f.Verbs())
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
