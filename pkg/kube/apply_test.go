package kube

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/resource"
	clienttesting "k8s.io/client-go/testing"
)

func info(kind, name string) *resource.Info {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("v1")
	u.SetKind(kind)
	u.SetName(name)
	return &resource.Info{Name: name, Namespace: "ns", Object: u}
}

func TestApplyErrorNamesFieldAndManager(t *testing.T) {
	conflict := apierrors.NewApplyConflict([]metav1.StatusCause{
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "kubectl-edit" using apps/v1`, Field: ".spec.replicas"},
	}, "Apply failed with 1 conflict")
	err := applyError(info("Deployment", "web"), conflict)
	ce, ok := err.(*ConflictError)
	if !ok {
		t.Fatalf("applyError = %T %v, want *ConflictError", err, err)
	}
	if ce.Conflicts[0].Manager != `"kubectl-edit"` || ce.Conflicts[0].Field != ".spec.replicas" {
		t.Errorf("conflict = %+v", ce.Conflicts)
	}
	for _, want := range []string{"Deployment web", ".spec.replicas", "kubectl-edit"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	other := applyError(info("Deployment", "web"), apierrors.NewForbidden(schema.GroupResource{Resource: "deployments"}, "web", nil))
	if _, ok := other.(*ConflictError); ok || !strings.Contains(other.Error(), "apply Deployment web") {
		t.Errorf("forbidden error = %v", other)
	}
}

func TestOwnership(t *testing.T) {
	me := Owner{Name: "a", Namespace: "ns"}
	tests := []struct {
		name    string
		stamp   *Owner
		wantErr string
	}{
		{"owned by us", &me, ""},
		{"owned by another release", &Owner{Name: "b", Namespace: "ns"}, `belongs to release "b"`},
		{"owned by nobody", &Owner{}, "not managed by any release"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.stamp != nil {
				live := info("ConfigMap", "cm").Object.(*unstructured.Unstructured)
				if tt.stamp.Name != "" {
					stamp(live, *tt.stamp)
				}
				err = checkOwner(info("ConfigMap", "cm"), live, me)
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("checkOwner = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestSortForInstallAndUninstall(t *testing.T) {
	infos := []*resource.Info{info("Deployment", "d"), info("Service", "s"), info("Namespace", "n"), info("ConfigMap", "c"), info("Widget", "w")}
	SortForInstall(infos)
	var got []string
	for _, i := range infos {
		got = append(got, Kind(i))
	}
	if strings.Join(got, ",") != "Namespace,ConfigMap,Service,Deployment,Widget" {
		t.Errorf("install order %v", got)
	}
	SortForUninstall(infos)
	got = got[:0]
	for _, i := range infos {
		got = append(got, Kind(i))
	}
	if strings.Join(got, ",") != "Widget,Deployment,Service,ConfigMap,Namespace" {
		t.Errorf("uninstall order %v", got)
	}
}

var (
	configmaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	release    = Owner{Name: "web", Namespace: "shop"}
)

// configMaps renders n ConfigMaps cm-0..cm-n-1 with data.message.
func configMaps(n int, message string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\ndata:\n  message: %q\n", i, message)
	}
	return b.String()
}

// ownedConfigMap is a live ConfigMap stamped as owner's.
func ownedConfigMap(name string, owner Owner) string {
	return fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: %s
  namespace: shop
  labels:
    app.kubernetes.io/managed-by: Helm
  annotations:
    meta.helm.sh/release-name: %s
    meta.helm.sh/release-namespace: %s
data:
  message: old
`, name, owner.Name, owner.Namespace)
}

func mustBuild(t testing.TB, c *Client, manifest string) []*resource.Info {
	t.Helper()
	infos, err := c.Build(context.Background(), "shop", manifest)
	if err != nil {
		t.Fatal(err)
	}
	return infos
}

func TestApply(t *testing.T) {
	tests := []struct {
		name string
		// existing objects are applied by "helm" beforehand.
		existing []string
		manifest string
		opts     ApplyOptions
		wantErr  string
		// wantMessage is data.message of cm-0 afterwards.
		wantMessage string
		// wantRequests lists the requests, in order, after discovery.
		wantRequests []string
	}{
		{name: "creates with the ownership stamped", manifest: configMaps(2, "hi"), opts: ApplyOptions{Owner: release},
			wantMessage: "hi", wantRequests: []string{"list configmaps", "patch configmaps", "patch configmaps"}},
		{name: "an object alone of its kind is read with a get", manifest: configMaps(1, "hi"), opts: ApplyOptions{Owner: release},
			wantMessage: "hi", wantRequests: []string{"get configmaps", "patch configmaps"}},
		{name: "updates its own objects", existing: []string{ownedConfigMap("cm-0", release)}, manifest: configMaps(1, "new"),
			opts: ApplyOptions{Owner: release}, wantMessage: "new"},
		{name: "refuses another release's object", existing: []string{ownedConfigMap("cm-0", Owner{Name: "other", Namespace: "shop"})},
			manifest: configMaps(2, "new"), opts: ApplyOptions{Owner: release}, wantErr: `ConfigMap cm-0 (namespace shop) already exists and belongs to release "other"`,
			wantMessage: "old", wantRequests: []string{"list configmaps"}},
		{name: "refuses an object no release owns", existing: []string{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-0\n  namespace: shop\ndata:\n  message: old\n"},
			manifest: configMaps(1, "new"), opts: ApplyOptions{Owner: release}, wantErr: "not managed by any release", wantMessage: "old"},
		{name: "takes ownership when asked", existing: []string{ownedConfigMap("cm-0", Owner{Name: "other", Namespace: "shop"})},
			manifest: configMaps(1, "new"), opts: ApplyOptions{Owner: release, TakeOwnership: true}, wantMessage: "new"},
		{name: "without an owner nothing is checked", existing: []string{ownedConfigMap("cm-0", Owner{Name: "other", Namespace: "shop"})},
			manifest: configMaps(1, "new"), wantMessage: "new"},
		{name: "dry run writes nothing", existing: []string{ownedConfigMap("cm-0", release)}, manifest: configMaps(1, "new"),
			opts: ApplyOptions{Owner: release, DryRun: true}, wantMessage: "old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeCluster(t)
			for _, doc := range tt.existing {
				f.Apply(t, FieldManager, doc)
			}
			c := f.client(t)
			infos := mustBuild(t, c, tt.manifest)
			f.ResetCounts()
			err := c.Apply(context.Background(), infos, tt.opts)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Apply = %v, want %q", err, tt.wantErr)
			}
			if tt.wantRequests != nil && strings.Join(f.Verbs(), ",") != strings.Join(tt.wantRequests, ",") {
				t.Errorf("requests %v, want %v", f.Verbs(), tt.wantRequests)
			}
			live := f.Get(t, configmaps, "shop", "cm-0")
			if msg, _, _ := unstructured.NestedString(live.Object, "data", "message"); msg != tt.wantMessage {
				t.Errorf("message = %q, want %q", msg, tt.wantMessage)
			}
			if err != nil || tt.opts.DryRun {
				return
			}
			if tt.opts.Owner.Name != "" && OwnerOf(live) != tt.opts.Owner {
				t.Errorf("owner = %v, want %v", OwnerOf(live), tt.opts.Owner)
			}
			if m := managersOf(live.GetManagedFields()); !slices.Contains(m, "helm/Apply") {
				t.Errorf("managers %v lack helm/Apply", m)
			}
			if infos[0].Object.(*unstructured.Unstructured).GetManagedFields() == nil {
				t.Error("info.Object is not the server's answer")
			}
		})
	}
}

func TestApplyConflicts(t *testing.T) {
	f := newFakeCluster(t)
	c := f.client(t)
	// Someone else applies the message of an object of the release.
	f.Apply(t, "someone-else", ownedConfigMap("cm-0", release))
	infos := mustBuild(t, c, configMaps(1, "mine"))
	err := c.Apply(context.Background(), infos, ApplyOptions{Owner: release})
	var ce *ConflictError
	if !errors.As(err, &ce) || len(ce.Conflicts) != 1 || ce.Conflicts[0].Field != ".data.message" || ce.Conflicts[0].Manager != `"someone-else"` {
		t.Fatalf("Apply = %v, want a conflict on .data.message with someone-else", err)
	}
	if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: release, Force: true}); err != nil {
		t.Fatalf("forced Apply: %v", err)
	}
	if msg, _, _ := unstructured.NestedString(f.Get(t, configmaps, "shop", "cm-0").Object, "data", "message"); msg != "mine" {
		t.Errorf("message after force = %q", msg)
	}
}

// A dry run cannot take over the fields of an earlier kpkg first; it
// forces them instead, and persists nothing.
func TestApplyDryRunOverEarlierKpkg(t *testing.T) {
	f := newFakeCluster(t)
	f.Add(t, readFixture(t, "kpkg-configmap.yaml"))
	c := f.client(t)
	infos := mustBuild(t, c, settingsV2)
	if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: release, DryRun: true}); err != nil {
		t.Fatalf("dry run: %v", err)
	}
	live := f.Get(t, configmaps, "shop", "settings")
	if m := managersOf(live.GetManagedFields()); !slices.Equal(m, []string{"kpkg/Apply", "kubectl-edit/Update"}) {
		t.Errorf("dry run changed the managers: %v", m)
	}
	if color, _, _ := unstructured.NestedString(live.Object, "data", "color"); color != "blue" {
		t.Errorf("dry run changed data.color to %q", color)
	}
}

func TestApplyStopsOnce(t *testing.T) {
	f := newFakeCluster(t)
	c := f.client(t)
	infos := mustBuild(t, c, configMaps(40, "x"))
	ctx, cancel := context.WithCancel(context.Background())
	var patches atomic.Int32
	f.Dyn.PrependReactor("patch", "configmaps", func(clienttesting.Action) (bool, runtime.Object, error) {
		if patches.Add(1) == 3 {
			cancel()
		}
		return false, nil, nil
	})
	err := c.Apply(ctx, infos, ApplyOptions{Parallelism: 1})
	if err == nil || !errors.Is(err, context.Canceled) || strings.Count(err.Error(), "context canceled") != 1 {
		t.Fatalf("Apply = %v, want the cancellation once", err)
	}
	if n := patches.Load(); n > 4 {
		t.Errorf("%d patches were sent after the cancellation", n-3)
	}
}

// A caller allowed to read but not to list objects gets them read one by
// one.
func TestApplyWithoutListPermission(t *testing.T) {
	f := newFakeCluster(t)
	f.Add(t, ownedConfigMap("cm-4", Owner{Name: "other", Namespace: "shop"}))
	f.Meta.PrependReactor("list", "configmaps", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "", errors.New("no list"))
	})
	c := f.client(t)
	err := c.Apply(context.Background(), mustBuild(t, c, configMaps(5, "x")), ApplyOptions{Owner: release})
	var oe *OwnershipError
	if !errors.As(err, &oe) || !strings.Contains(oe.Object, "cm-4") {
		t.Fatalf("Apply = %v, want the ownership of cm-4 refused", err)
	}
}
