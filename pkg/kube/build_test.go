package kube

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestBuild(t *testing.T) {
	tests := []struct {
		name, namespace, manifest string
		// want lists "Kind name namespace" per object.
		want    []string
		wantErr string
	}{
		{name: "empty", manifest: "  \n", want: nil},
		{name: "namespaced objects default to the namespace", namespace: "shop",
			manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: other\n",
			want:     []string{"ConfigMap a shop", "ConfigMap b other"}},
		{name: "no namespace given: the client's", manifest: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n",
			want: []string{"Secret s default"}},
		{name: "cluster-scoped objects have none", namespace: "shop",
			manifest: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  namespace: shop\n",
			want:     []string{"ClusterRole reader "}},
		{name: "comment-only documents are skipped", namespace: "shop",
			manifest: "# Source: chart/templates/empty.yaml\n---\n# nothing\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
			want:     []string{"ConfigMap a shop"}},
		{name: "lists are flattened", namespace: "shop",
			manifest: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: d\n",
			want:     []string{"ConfigMap a shop", "Deployment d shop"}},
		{name: "JSON documents", namespace: "shop", manifest: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"}}`,
			want: []string{"ConfigMap j shop"}},
		{name: "unknown kind names the document", namespace: "shop",
			manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\n",
			wantErr:  "document 2 (example.com/v1 Gadget g): the cluster does not serve Gadget in example.com/v1"},
		{name: "unserved version", manifest: "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: d\n",
			wantErr: "document 1 (apps/v1beta1 Deployment d): the cluster does not serve Deployment"},
		{name: "missing kind", manifest: "apiVersion: v1\nmetadata:\n  name: a\n", wantErr: "document 1 (v1 a): kind is missing"},
		{name: "missing apiVersion", manifest: "kind: ConfigMap\nmetadata:\n  name: a\n", wantErr: "document 1 (ConfigMap a): apiVersion is missing"},
		{name: "missing name", manifest: "apiVersion: v1\nkind: ConfigMap\n", wantErr: "document 1 (v1 ConfigMap): metadata.name is missing"},
		{name: "invalid YAML", manifest: "apiVersion: v1\nkind: [\n", wantErr: "document 1: invalid YAML"},
		{name: "not an object", manifest: "- a\n- b\n", wantErr: "document 1: not an object"},
	}
	c := newFakeCluster(t).client(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			infos, err := c.Build(context.Background(), tt.namespace, tt.manifest)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Build error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, info := range infos {
				u := info.Object.(*unstructured.Unstructured)
				if u.GetNamespace() != info.Namespace {
					t.Errorf("%s: object namespace %q, info namespace %q", Describe(info), u.GetNamespace(), info.Namespace)
				}
				got = append(got, fmt.Sprintf("%s %s %s", Kind(info), info.Name, info.Namespace))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Build = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBuildKeepsIntegers(t *testing.T) {
	c := newFakeCluster(t).client(t)
	infos, err := c.Build(context.Background(), "shop", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 3\n")
	if err != nil {
		t.Fatal(err)
	}
	if r, found, err := unstructured.NestedInt64(infos[0].Object.(*unstructured.Unstructured).Object, "spec", "replicas"); !found || err != nil || r != 3 {
		t.Errorf("replicas = %d, %v, %v", r, found, err)
	}
}

// A kind served after the mapper cached discovery (a CRD installed by
// someone else) is found by refreshing discovery once.
func TestBuildRefreshesDiscovery(t *testing.T) {
	f := newFakeCluster(t)
	c := f.client(t)
	if _, err := c.Build(context.Background(), "shop", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"); err != nil {
		t.Fatal(err)
	}
	f.Serve(widgets)
	infos, err := c.Build(context.Background(), "shop", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n")
	if err != nil {
		t.Fatalf("Build after the CRD appeared: %v", err)
	}
	if infos[0].Mapping.Resource.Resource != "widgets" || infos[0].Namespace != "shop" {
		t.Errorf("mapping %v namespace %q", infos[0].Mapping.Resource, infos[0].Namespace)
	}
}

func TestBuildStored(t *testing.T) {
	tests := []struct {
		name, manifest string
		wantVersions   []string
		wantGone       []string
	}{
		{"served as stored", "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n",
			[]string{"autoscaling/v2"}, nil},
		{"retired version is read through the served one", "apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
			[]string{"autoscaling/v2", "v1"}, nil},
		{"kind no longer served at all", "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: p\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
			[]string{"v1"}, []string{"PodSecurityPolicy p (policy/v1beta1 is no longer served)"}},
	}
	c := newFakeCluster(t).client(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			infos, gone, err := c.BuildStored(context.Background(), "shop", tt.manifest)
			if err != nil {
				t.Fatal(err)
			}
			var versions []string
			for _, info := range infos {
				versions = append(versions, info.Object.GetObjectKind().GroupVersionKind().GroupVersion().String())
				if info.Mapping.GroupVersionKind.GroupVersion().String() != versions[len(versions)-1] {
					t.Errorf("%s is mapped through %s", Describe(info), info.Mapping.GroupVersionKind)
				}
			}
			if strings.Join(versions, ",") != strings.Join(tt.wantVersions, ",") || strings.Join(gone, ",") != strings.Join(tt.wantGone, ",") {
				t.Errorf("versions %v gone %v, want %v and %v", versions, gone, tt.wantVersions, tt.wantGone)
			}
		})
	}
	if _, err := c.Build(context.Background(), "shop", tests[1].manifest); err == nil || !meta.IsNoMatchError(err) {
		t.Errorf("Build of a retired version = %v, want a no-match error", err)
	}
}

// With a static mapper (no discovery), NewForClients still works and
// ResetMapper does nothing.
func TestNewForClientsStaticMapper(t *testing.T) {
	f := newFakeCluster(t)
	m := meta.NewDefaultRESTMapper(nil)
	m.Add(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, meta.RESTScopeNamespace)
	c, err := NewForClients(Clients{Dynamic: f.Dyn, Core: f.Core, Metadata: f.Meta, Mapper: m, Namespace: "shop", Host: "https://api"})
	if err != nil {
		t.Fatal(err)
	}
	c.ResetMapper()
	infos, err := c.Build(context.Background(), "", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
	if err != nil || infos[0].Namespace != "shop" || infos[0].Mapping.Resource.Resource != "configmaps" {
		t.Fatalf("Build = %v, %v", infos, err)
	}
	if c.Host() != "https://api" || c.Mapper() != m || c.Dynamic() != f.Dyn || c.Metadata() != f.Meta || c.Core() != f.Core {
		t.Error("accessors do not return the clients given")
	}
	if _, err := NewForClients(Clients{Core: f.Core}); err == nil {
		t.Error("NewForClients without a dynamic client succeeded")
	}
}
