// Package kubetest is an in-memory API server made of client-go's fakes,
// for unit tests of the packages that talk to a cluster (pkg/kube,
// pkg/release): server-side apply with real managedFields, watches, the
// metadata client and discovery, all sharing one object store, with every
// request counted. It imports nothing of kpkg's, so pkg/kube's own tests
// use it too.
package kubetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/meta/testrestmapper"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	fakediscovery "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	kfake "k8s.io/client-go/kubernetes/fake"
	clientsetscheme "k8s.io/client-go/kubernetes/scheme"
	metadatafake "k8s.io/client-go/metadata/fake"
	clienttesting "k8s.io/client-go/testing"
	"sigs.k8s.io/yaml"
)

// Cluster is an in-memory API server made of client-go's fakes that
// share one object store. Built-in kinds live in the typed clientset's
// field-managed tracker, which implements server-side apply with real
// managedFields (the dynamic fake's own tracker only merges patches); the
// dynamic and metadata fakes see them through reactors that convert between
// typed, unstructured and metadata-only objects. Kinds the typed scheme does
// not know (CRDs and their objects) live in the dynamic fake's tracker.
type Cluster struct {
	Core *kfake.Clientset
	Dyn  *dynamicfake.FakeDynamicClient
	Meta *metadatafake.FakeMetadataClient
	Disc *fakediscovery.FakeDiscovery

	typedKinds meta.RESTMapper
	Kinds      map[schema.GroupVersionResource]schema.GroupVersionKind
	// requests counts every call that reached a fake; log lists them.
	requests atomic.Int64
	watches  atomic.Int32
	mu       sync.Mutex
	log      []string
}

// Resource describes one served resource for discovery.
type Resource struct {
	GroupVersion, Name, Kind string
	Namespaced               bool
}

// ServedResources are the built-in kinds every Cluster serves.
var ServedResources = []Resource{
	{"v1", "namespaces", "Namespace", false},
	{"v1", "configmaps", "ConfigMap", true},
	{"v1", "secrets", "Secret", true},
	{"v1", "services", "Service", true},
	{"v1", "serviceaccounts", "ServiceAccount", true},
	{"v1", "pods", "Pod", true},
	{"v1", "events", "Event", true},
	{"v1", "persistentvolumeclaims", "PersistentVolumeClaim", true},
	{"apps/v1", "deployments", "Deployment", true},
	{"apps/v1", "statefulsets", "StatefulSet", true},
	{"apps/v1", "daemonsets", "DaemonSet", true},
	{"apps/v1", "replicasets", "ReplicaSet", true},
	{"batch/v1", "jobs", "Job", true},
	{"autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true},
	{"rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", false},
	{"apiextensions.k8s.io/v1", "customresourcedefinitions", "CustomResourceDefinition", false},
}

// Widgets is a custom resource, served once a test calls Serve.
var Widgets = Resource{"example.com/v1", "widgets", "Widget", true}

// NewCluster starts an empty cluster (or one holding objects) serving
// ServedResources.
func NewCluster(t testing.TB, objects ...runtime.Object) *Cluster {
	t.Helper()
	f := &Cluster{
		Core:       kfake.NewClientset(objects...),
		typedKinds: testrestmapper.TestOnlyStaticRESTMapper(clientsetscheme.Scheme),
		Kinds:      map[schema.GroupVersionResource]schema.GroupVersionKind{},
	}
	f.Disc = f.Core.Discovery().(*fakediscovery.FakeDiscovery)
	listKinds := map[schema.GroupVersionResource]string{}
	for _, r := range append(ServedResources, Widgets) {
		gv, _ := schema.ParseGroupVersion(r.GroupVersion)
		listKinds[gv.WithResource(r.Name)] = r.Kind + "List"
		f.Kinds[gv.WithResource(r.Name)] = gv.WithKind(r.Kind)
	}
	f.Dyn = dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds)
	f.Meta = metadatafake.NewSimpleMetadataClient(metadatafake.NewTestScheme())
	for _, r := range ServedResources {
		f.Serve(r)
	}
	count := func(a clienttesting.Action) (bool, runtime.Object, error) { f.record(a); return false, nil, nil }
	countWatch := func(a clienttesting.Action) (bool, watch.Interface, error) { f.record(a); return false, nil, nil }
	f.Core.PrependWatchReactor("*", f.coreWatch)
	f.Dyn.PrependReactor("*", "*", f.dynamicReaction)
	f.Dyn.PrependWatchReactor("*", f.dynamicWatch)
	f.Meta.PrependReactor("*", "*", f.metadataReaction)
	f.Meta.PrependWatchReactor("*", f.metadataWatch)
	for _, fk := range []*clienttesting.Fake{&f.Core.Fake, &f.Dyn.Fake, &f.Meta.Fake} {
		fk.PrependReactor("*", "*", count)
		fk.PrependWatchReactor("*", countWatch)
	}
	return f
}

// Requests is how many requests reached a fake since the last reset.
func (f *Cluster) Requests() int64 { return f.requests.Load() }

// Watches is how many watches were opened; a watch counts once it sees
// every change made after.
func (f *Cluster) Watches() int32 { return f.watches.Load() }

// Serve adds a resource to discovery.
func (f *Cluster) Serve(r Resource) {
	for _, l := range f.Disc.Resources {
		if l.GroupVersion == r.GroupVersion {
			l.APIResources = append(l.APIResources, metav1.APIResource{Name: r.Name, Kind: r.Kind, Namespaced: r.Namespaced,
				Verbs: metav1.Verbs{"get", "list", "watch", "create", "update", "patch", "delete"}})
			return
		}
	}
	f.Disc.Resources = append(f.Disc.Resources, &metav1.APIResourceList{GroupVersion: r.GroupVersion})
	f.Serve(r)
}

// Typed reports whether gvr lives in the typed tracker.
func (f *Cluster) Typed(gvr schema.GroupVersionResource) (schema.GroupVersionKind, bool) {
	gvk, err := f.typedKinds.KindFor(gvr)
	return gvk, err == nil && clientsetscheme.Scheme.Recognizes(gvk)
}

// TrackerFor is the tracker that stores gvr's objects.
func (f *Cluster) TrackerFor(gvr schema.GroupVersionResource) clienttesting.ObjectTracker {
	if _, ok := f.Typed(gvr); ok {
		return f.Core.Tracker()
	}
	return f.Dyn.Tracker()
}

// dynamicReaction serves built-in kinds to the dynamic client from the
// typed tracker.
func (f *Cluster) dynamicReaction(action clienttesting.Action) (bool, runtime.Object, error) {
	gvk, ok := f.Typed(action.GetResource())
	if !ok {
		return false, nil, nil
	}
	switch a := action.(type) {
	case clienttesting.CreateActionImpl:
		obj, err := toTyped(a.Object, gvk)
		if err != nil {
			return true, nil, err
		}
		a.Object = obj
		action = a
	case clienttesting.UpdateActionImpl:
		obj, err := toTyped(a.Object, gvk)
		if err != nil {
			return true, nil, err
		}
		a.Object = obj
		action = a
	case clienttesting.PatchActionImpl:
		if len(a.PatchOptions.DryRun) > 0 {
			obj, err := f.dryRunPatch(a, gvk)
			return true, obj, err
		}
	}
	_, obj, err := clienttesting.ObjectReaction(f.Core.Tracker())(action)
	if err != nil || obj == nil {
		return true, obj, err
	}
	u, err := toUnstructured(obj, gvk)
	return true, u, err
}

// dryRunPatch answers a dry-run patch without persisting it: the object is
// patched, read and put back.
func (f *Cluster) dryRunPatch(a clienttesting.PatchActionImpl, gvk schema.GroupVersionKind) (runtime.Object, error) {
	tr := f.Core.Tracker()
	old, err := tr.Get(a.GetResource(), a.GetNamespace(), a.GetName())
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, err
	}
	a.PatchOptions.DryRun = nil
	_, obj, err := clienttesting.ObjectReaction(tr)(a)
	// Put the old object back as it was (Update would record a manager).
	_ = tr.Delete(a.GetResource(), a.GetNamespace(), a.GetName())
	if old != nil {
		_ = tr.Add(old)
	}
	if err != nil {
		return nil, err
	}
	return toUnstructured(obj, gvk)
}

func (f *Cluster) dynamicWatch(action clienttesting.Action) (bool, watch.Interface, error) {
	gvr := action.GetResource()
	gvk, ok := f.Typed(gvr)
	if !ok {
		return f.opened(f.Dyn.Tracker().Watch(gvr, action.GetNamespace(), watchOptions(action)))
	}
	w, err := f.Core.Tracker().Watch(gvr, action.GetNamespace(), watchOptions(action))
	if err != nil {
		return true, nil, err
	}
	f.watches.Add(1)
	return true, watch.Filter(w, func(e watch.Event) (watch.Event, bool) {
		if u, err := toUnstructured(e.Object, gvk); err == nil {
			e.Object = u
		}
		return e, true
	}), nil
}

// metadataReaction serves every kind to the metadata client from the
// tracker that holds it.
func (f *Cluster) metadataReaction(action clienttesting.Action) (bool, runtime.Object, error) {
	gvr := action.GetResource()
	gvk := f.Kinds[gvr]
	tr := f.TrackerFor(gvr)
	switch a := action.(type) {
	case clienttesting.GetActionImpl:
		obj, err := tr.Get(gvr, a.GetNamespace(), a.GetName())
		if err != nil {
			return true, nil, err
		}
		pom, err := ToMetadata(obj, gvk)
		return true, pom, err
	case clienttesting.ListActionImpl:
		obj, err := tr.List(gvr, gvk, a.GetNamespace(), a.ListOptions)
		if err != nil {
			return true, nil, err
		}
		items, err := meta.ExtractList(obj)
		if err != nil {
			return true, nil, err
		}
		list := &metav1.List{}
		if lm, err := meta.ListAccessor(obj); err == nil {
			list.ResourceVersion = lm.GetResourceVersion()
		}
		for _, it := range items {
			pom, err := ToMetadata(it, gvk)
			if err != nil {
				return true, nil, err
			}
			list.Items = append(list.Items, runtime.RawExtension{Object: pom})
		}
		return true, list, nil
	case clienttesting.DeleteActionImpl:
		return true, nil, tr.Delete(gvr, a.GetNamespace(), a.GetName())
	}
	return true, nil, fmt.Errorf("fake metadata client: %s is not implemented", action.GetVerb())
}

func (f *Cluster) metadataWatch(action clienttesting.Action) (bool, watch.Interface, error) {
	gvr := action.GetResource()
	gvk := f.Kinds[gvr]
	w, err := f.TrackerFor(gvr).Watch(gvr, action.GetNamespace(), watchOptions(action))
	if err != nil {
		return true, nil, err
	}
	f.watches.Add(1)
	return true, watch.Filter(w, func(e watch.Event) (watch.Event, bool) {
		if pom, err := ToMetadata(e.Object, gvk); err == nil {
			e.Object = pom
		}
		return e, true
	}), nil
}

// coreWatch serves the typed clientset's watches from its tracker.
func (f *Cluster) coreWatch(action clienttesting.Action) (bool, watch.Interface, error) {
	return f.opened(f.Core.Tracker().Watch(action.GetResource(), action.GetNamespace(), watchOptions(action)))
}

// opened counts a watch once the tracker has registered it, so a test
// that waits for Watches() changes objects only when the change will be
// seen: the fake tracker, unlike an API server, cannot replay what a
// watch missed.
func (f *Cluster) opened(w watch.Interface, err error) (bool, watch.Interface, error) {
	if err != nil {
		return true, nil, err
	}
	f.watches.Add(1)
	return true, w, nil
}

func watchOptions(action clienttesting.Action) metav1.ListOptions {
	if wa, ok := action.(clienttesting.WatchActionImpl); ok {
		return wa.ListOptions
	}
	return metav1.ListOptions{}
}

func toTyped(obj runtime.Object, gvk schema.GroupVersionKind) (runtime.Object, error) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return obj, nil
	}
	typed, err := clientsetscheme.Scheme.New(gvk)
	if err != nil {
		return nil, err
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, typed); err != nil {
		return nil, err
	}
	typed.GetObjectKind().SetGroupVersionKind(gvk)
	return typed, nil
}

func toUnstructured(obj runtime.Object, gvk schema.GroupVersionKind) (runtime.Object, error) {
	if meta.IsListType(obj) {
		items, err := meta.ExtractList(obj)
		if err != nil {
			return nil, err
		}
		list := &unstructured.UnstructuredList{Object: map[string]any{}}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		if lm, err := meta.ListAccessor(obj); err == nil {
			list.SetResourceVersion(lm.GetResourceVersion())
		}
		for _, it := range items {
			u, err := toUnstructured(it, gvk)
			if err != nil {
				return nil, err
			}
			list.Items = append(list.Items, *u.(*unstructured.Unstructured))
		}
		return list, nil
	}
	if u, ok := obj.(*unstructured.Unstructured); ok {
		return u, nil
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetGroupVersionKind(gvk)
	return u, nil
}

// ToMetadata is obj as the metadata client returns it.
func ToMetadata(obj runtime.Object, gvk schema.GroupVersionKind) (*metav1.PartialObjectMetadata, error) {
	acc, err := meta.Accessor(obj)
	if err != nil {
		return nil, err
	}
	pom := &metav1.PartialObjectMetadata{}
	pom.SetGroupVersionKind(gvk)
	pom.Name, pom.Namespace, pom.UID = acc.GetName(), acc.GetNamespace(), acc.GetUID()
	pom.ResourceVersion, pom.Generation = acc.GetResourceVersion(), acc.GetGeneration()
	pom.Labels, pom.Annotations = acc.GetLabels(), acc.GetAnnotations()
	pom.ManagedFields, pom.OwnerReferences = acc.GetManagedFields(), acc.GetOwnerReferences()
	pom.DeletionTimestamp, pom.Finalizers = acc.GetDeletionTimestamp(), acc.GetFinalizers()
	return pom.DeepCopy(), nil
}

func (f *Cluster) record(a clienttesting.Action) {
	f.requests.Add(1)
	if a.GetResource().Resource == "" {
		return // discovery
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, a.GetVerb()+" "+a.GetResource().Resource)
}

// ResetCounts forgets the recorded actions and the request count.
func (f *Cluster) ResetCounts() {
	f.Core.ClearActions()
	f.Dyn.ClearActions()
	f.Meta.ClearActions()
	f.requests.Store(0)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = nil
}

// Verbs lists the requests since the last reset as "verb resource", in
// the order they were made.
func (f *Cluster) Verbs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

// Apply creates or updates an object as manager does with server-side
// apply, so it carries the managedFields a real cluster would give it.
func (f *Cluster) Apply(t testing.TB, manager, doc string) {
	t.Helper()
	obj := MustObject(t, doc)
	data, err := obj.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	gvr := f.ResourceOf(t, obj.GroupVersionKind())
	var ri dynamic.ResourceInterface = f.Dyn.Resource(gvr)
	if ns := obj.GetNamespace(); ns != "" {
		ri = f.Dyn.Resource(gvr).Namespace(ns)
	}
	if _, err := ri.Patch(context.Background(), obj.GetName(), types.ApplyPatchType, data, metav1.PatchOptions{FieldManager: manager}); err != nil {
		t.Fatal(err)
	}
}

// Get reads an object as unstructured, nil when absent.
func (f *Cluster) Get(t testing.TB, gvr schema.GroupVersionResource, ns, name string) *unstructured.Unstructured {
	t.Helper()
	obj, err := f.TrackerFor(gvr).Get(gvr, ns, name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	u, err := toUnstructured(obj, f.Kinds[gvr])
	if err != nil {
		t.Fatal(err)
	}
	return u.(*unstructured.Unstructured)
}

// Add stores objects given as YAML documents.
func (f *Cluster) Add(t testing.TB, docs ...string) {
	t.Helper()
	for _, doc := range docs {
		f.AddObject(t, MustObject(t, doc))
	}
}

// AddObject stores an object as it is.
func (f *Cluster) AddObject(t testing.TB, obj *unstructured.Unstructured) {
	t.Helper()
	gvk := obj.GroupVersionKind()
	var stored runtime.Object = obj
	if clientsetscheme.Scheme.Recognizes(gvk) {
		typed, err := toTyped(obj, gvk)
		if err != nil {
			t.Fatal(err)
		}
		stored = typed
	}
	if err := f.TrackerFor(f.ResourceOf(t, gvk)).Add(stored); err != nil {
		t.Fatal(err)
	}
}

// Update replaces a stored object, e.g. to play a controller writing status.
func (f *Cluster) Update(t testing.TB, obj *unstructured.Unstructured) {
	t.Helper()
	gvk := obj.GroupVersionKind()
	gvr := f.ResourceOf(t, gvk)
	var stored runtime.Object = obj
	if _, ok := f.Typed(gvr); ok {
		typed, err := toTyped(obj, gvk)
		if err != nil {
			t.Fatal(err)
		}
		stored = typed
	}
	if err := f.TrackerFor(gvr).Update(gvr, stored, obj.GetNamespace()); err != nil {
		t.Fatal(err)
	}
}

// ResourceOf is the resource of a served kind.
func (f *Cluster) ResourceOf(t testing.TB, gvk schema.GroupVersionKind) schema.GroupVersionResource {
	t.Helper()
	for gvr, k := range f.Kinds {
		if k == gvk {
			return gvr
		}
	}
	t.Fatalf("no resource for %s", gvk)
	return schema.GroupVersionResource{}
}

// MustObject decodes one YAML document, numbers as int64.
func MustObject(t testing.TB, doc string) *unstructured.Unstructured {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(strings.TrimSpace(doc)), &m); err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: m}
	// YAML numbers arrive as float64; unstructured wants int64.
	normalizeNumbers(u.Object)
	return u
}

func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
	}
	return v
}
