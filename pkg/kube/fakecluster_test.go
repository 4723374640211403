package kube

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

// fakeCluster is an in-memory API server made of client-go's fakes that
// share one object store. Built-in kinds live in the typed clientset's
// field-managed tracker, which implements server-side apply with real
// managedFields (the dynamic fake's own tracker only merges patches); the
// dynamic and metadata fakes see them through reactors that convert between
// typed, unstructured and metadata-only objects. Kinds the typed scheme does
// not know (CRDs and their objects) live in the dynamic fake's tracker.
type fakeCluster struct {
	core *kfake.Clientset
	dyn  *dynamicfake.FakeDynamicClient
	meta *metadatafake.FakeMetadataClient
	disc *fakediscovery.FakeDiscovery

	typedKinds meta.RESTMapper
	kinds      map[schema.GroupVersionResource]schema.GroupVersionKind
	// requests counts every call that reached a fake; log lists them.
	requests atomic.Int64
	watches  atomic.Int32
	mu       sync.Mutex
	log      []string
}

// apiResource describes one served resource for discovery.
type apiResource struct {
	groupVersion, name, kind string
	namespaced               bool
}

var servedResources = []apiResource{
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

// widgets is a custom resource, served once a test calls serve.
var widgets = apiResource{"example.com/v1", "widgets", "Widget", true}

func newFakeCluster(t testing.TB, objects ...runtime.Object) *fakeCluster {
	t.Helper()
	f := &fakeCluster{
		core:       kfake.NewClientset(objects...),
		typedKinds: testrestmapper.TestOnlyStaticRESTMapper(clientsetscheme.Scheme),
		kinds:      map[schema.GroupVersionResource]schema.GroupVersionKind{},
	}
	f.disc = f.core.Discovery().(*fakediscovery.FakeDiscovery)
	listKinds := map[schema.GroupVersionResource]string{}
	for _, r := range append(servedResources, widgets) {
		gv, _ := schema.ParseGroupVersion(r.groupVersion)
		listKinds[gv.WithResource(r.name)] = r.kind + "List"
		f.kinds[gv.WithResource(r.name)] = gv.WithKind(r.kind)
	}
	f.dyn = dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds)
	f.meta = metadatafake.NewSimpleMetadataClient(metadatafake.NewTestScheme())
	for _, r := range servedResources {
		f.serve(r)
	}
	count := func(a clienttesting.Action) (bool, runtime.Object, error) { f.record(a); return false, nil, nil }
	countWatch := func(a clienttesting.Action) (bool, watch.Interface, error) {
		f.record(a)
		f.watches.Add(1)
		return false, nil, nil
	}
	f.dyn.PrependReactor("*", "*", f.dynamicReaction)
	f.dyn.PrependWatchReactor("*", f.dynamicWatch)
	f.meta.PrependReactor("*", "*", f.metadataReaction)
	f.meta.PrependWatchReactor("*", f.metadataWatch)
	for _, fk := range []*clienttesting.Fake{&f.core.Fake, &f.dyn.Fake, &f.meta.Fake} {
		fk.PrependReactor("*", "*", count)
		fk.PrependWatchReactor("*", countWatch)
	}
	return f
}

// client is a Client on the fakes with the real discovery-backed mapper.
func (f *fakeCluster) client(t testing.TB) *Client {
	t.Helper()
	c, err := NewForClients(Clients{Dynamic: f.dyn, Core: f.core, Metadata: f.meta})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serve adds a resource to discovery.
func (f *fakeCluster) serve(r apiResource) {
	for _, l := range f.disc.Resources {
		if l.GroupVersion == r.groupVersion {
			l.APIResources = append(l.APIResources, metav1.APIResource{Name: r.name, Kind: r.kind, Namespaced: r.namespaced,
				Verbs: metav1.Verbs{"get", "list", "watch", "create", "update", "patch", "delete"}})
			return
		}
	}
	f.disc.Resources = append(f.disc.Resources, &metav1.APIResourceList{GroupVersion: r.groupVersion})
	f.serve(r)
}

// typed reports whether gvr lives in the typed tracker.
func (f *fakeCluster) typed(gvr schema.GroupVersionResource) (schema.GroupVersionKind, bool) {
	gvk, err := f.typedKinds.KindFor(gvr)
	return gvk, err == nil && clientsetscheme.Scheme.Recognizes(gvk)
}

func (f *fakeCluster) trackerFor(gvr schema.GroupVersionResource) clienttesting.ObjectTracker {
	if _, ok := f.typed(gvr); ok {
		return f.core.Tracker()
	}
	return f.dyn.Tracker()
}

// dynamicReaction serves built-in kinds to the dynamic client from the
// typed tracker.
func (f *fakeCluster) dynamicReaction(action clienttesting.Action) (bool, runtime.Object, error) {
	gvk, ok := f.typed(action.GetResource())
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
	_, obj, err := clienttesting.ObjectReaction(f.core.Tracker())(action)
	if err != nil || obj == nil {
		return true, obj, err
	}
	u, err := toUnstructured(obj, gvk)
	return true, u, err
}

// dryRunPatch answers a dry-run patch without persisting it: the object is
// patched, read and put back.
func (f *fakeCluster) dryRunPatch(a clienttesting.PatchActionImpl, gvk schema.GroupVersionKind) (runtime.Object, error) {
	tr := f.core.Tracker()
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

func (f *fakeCluster) dynamicWatch(action clienttesting.Action) (bool, watch.Interface, error) {
	gvr := action.GetResource()
	gvk, ok := f.typed(gvr)
	if !ok {
		return false, nil, nil
	}
	w, err := f.core.Tracker().Watch(gvr, action.GetNamespace(), watchOptions(action))
	if err != nil {
		return true, nil, err
	}
	return true, watch.Filter(w, func(e watch.Event) (watch.Event, bool) {
		if u, err := toUnstructured(e.Object, gvk); err == nil {
			e.Object = u
		}
		return e, true
	}), nil
}

// metadataReaction serves every kind to the metadata client from the
// tracker that holds it.
func (f *fakeCluster) metadataReaction(action clienttesting.Action) (bool, runtime.Object, error) {
	gvr := action.GetResource()
	gvk := f.kinds[gvr]
	tr := f.trackerFor(gvr)
	switch a := action.(type) {
	case clienttesting.GetActionImpl:
		obj, err := tr.Get(gvr, a.GetNamespace(), a.GetName())
		if err != nil {
			return true, nil, err
		}
		pom, err := toMetadata(obj, gvk)
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
			pom, err := toMetadata(it, gvk)
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

func (f *fakeCluster) metadataWatch(action clienttesting.Action) (bool, watch.Interface, error) {
	gvr := action.GetResource()
	gvk := f.kinds[gvr]
	w, err := f.trackerFor(gvr).Watch(gvr, action.GetNamespace(), watchOptions(action))
	if err != nil {
		return true, nil, err
	}
	return true, watch.Filter(w, func(e watch.Event) (watch.Event, bool) {
		if pom, err := toMetadata(e.Object, gvk); err == nil {
			e.Object = pom
		}
		return e, true
	}), nil
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

func toMetadata(obj runtime.Object, gvk schema.GroupVersionKind) (*metav1.PartialObjectMetadata, error) {
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

func (f *fakeCluster) record(a clienttesting.Action) {
	f.requests.Add(1)
	if a.GetResource().Resource == "" {
		return // discovery
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, a.GetVerb()+" "+a.GetResource().Resource)
}

// resetCounts forgets the recorded actions and the request count.
func (f *fakeCluster) resetCounts() {
	f.core.ClearActions()
	f.dyn.ClearActions()
	f.meta.ClearActions()
	f.requests.Store(0)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = nil
}

// verbs lists the requests since the last reset as "verb resource", in
// the order they were made.
func (f *fakeCluster) verbs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

// apply creates or updates an object as manager does with server-side
// apply, so it carries the managedFields a real cluster would give it.
func (f *fakeCluster) apply(t testing.TB, manager, doc string) {
	t.Helper()
	obj := mustObject(t, doc)
	data, err := obj.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	gvr := f.resourceOf(t, obj.GroupVersionKind())
	var ri dynamic.ResourceInterface = f.dyn.Resource(gvr)
	if ns := obj.GetNamespace(); ns != "" {
		ri = f.dyn.Resource(gvr).Namespace(ns)
	}
	if _, err := ri.Patch(context.Background(), obj.GetName(), types.ApplyPatchType, data, metav1.PatchOptions{FieldManager: manager}); err != nil {
		t.Fatal(err)
	}
}

// get reads an object as unstructured, nil when absent.
func (f *fakeCluster) get(t testing.TB, gvr schema.GroupVersionResource, ns, name string) *unstructured.Unstructured {
	t.Helper()
	obj, err := f.trackerFor(gvr).Get(gvr, ns, name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	u, err := toUnstructured(obj, f.kinds[gvr])
	if err != nil {
		t.Fatal(err)
	}
	return u.(*unstructured.Unstructured)
}

// add stores objects given as YAML documents.
func (f *fakeCluster) add(t testing.TB, docs ...string) {
	t.Helper()
	for _, doc := range docs {
		f.addObject(t, mustObject(t, doc))
	}
}

// addObject stores an object as it is.
func (f *fakeCluster) addObject(t testing.TB, obj *unstructured.Unstructured) {
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
	if err := f.trackerFor(f.resourceOf(t, gvk)).Add(stored); err != nil {
		t.Fatal(err)
	}
}

// update replaces a stored object, e.g. to play a controller writing status.
func (f *fakeCluster) update(t testing.TB, obj *unstructured.Unstructured) {
	t.Helper()
	gvk := obj.GroupVersionKind()
	gvr := f.resourceOf(t, gvk)
	var stored runtime.Object = obj
	if _, ok := f.typed(gvr); ok {
		typed, err := toTyped(obj, gvk)
		if err != nil {
			t.Fatal(err)
		}
		stored = typed
	}
	if err := f.trackerFor(gvr).Update(gvr, stored, obj.GetNamespace()); err != nil {
		t.Fatal(err)
	}
}

func (f *fakeCluster) resourceOf(t testing.TB, gvk schema.GroupVersionKind) schema.GroupVersionResource {
	t.Helper()
	for gvr, k := range f.kinds {
		if k == gvk {
			return gvr
		}
	}
	t.Fatalf("no resource for %s", gvk)
	return schema.GroupVersionResource{}
}

func mustObject(t testing.TB, doc string) *unstructured.Unstructured {
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
