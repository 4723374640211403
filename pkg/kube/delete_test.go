package kube

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clienttesting "k8s.io/client-go/testing"
)

func TestDelete(t *testing.T) {
	other := Owner{Name: "other", Namespace: "shop"}
	kept := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-2\n  annotations:\n    helm.sh/resource-policy: keep\n"
	tests := []struct {
		name     string
		existing []string
		manifest string
		owner    Owner
		// wantLeft are the ConfigMaps cm-0..cm-4 that still exist.
		wantLeft     []string
		wantErr      string
		wantRequests []string
	}{
		{name: "deletes the release's objects", existing: []string{ownedConfigMap("cm-0", release), ownedConfigMap("cm-1", release)},
			manifest: configMaps(2, "x"), owner: release,
			wantRequests: []string{"list configmaps", "delete configmaps", "delete configmaps"}},
		{name: "spares other releases' and unowned objects", existing: []string{ownedConfigMap("cm-0", other), ownedConfigMap("cm-1", release),
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-2\n  namespace: shop\n"},
			manifest: configMaps(5, "x"), owner: release, wantLeft: []string{"cm-0", "cm-2"},
			wantRequests: []string{"list configmaps", "delete configmaps"}},
		{name: "without an owner everything named goes", existing: []string{ownedConfigMap("cm-0", other)},
			manifest: configMaps(2, "x"), wantRequests: []string{"delete configmaps", "delete configmaps"}},
		{name: "objects already gone are no error", manifest: configMaps(1, "x"), owner: release},
		{name: "keep is the caller's business", existing: []string{ownedConfigMap("cm-2", release)}, manifest: kept, owner: release},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeCluster(t)
			f.Add(t, tt.existing...)
			c := f.client(t)
			infos := mustBuild(t, c, tt.manifest)
			f.ResetCounts()
			err := c.Delete(context.Background(), infos, tt.owner)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Delete = %v, want %q", err, tt.wantErr)
			}
			var left []string
			for _, name := range []string{"cm-0", "cm-1", "cm-2", "cm-3", "cm-4"} {
				if f.Get(t, configmaps, "shop", name) != nil {
					left = append(left, name)
				}
			}
			if strings.Join(left, ",") != strings.Join(tt.wantLeft, ",") {
				t.Errorf("left %v, want %v", left, tt.wantLeft)
			}
			if tt.wantRequests != nil && strings.Join(f.Verbs(), ",") != strings.Join(tt.wantRequests, ",") {
				t.Errorf("requests %v, want %v", f.Verbs(), tt.wantRequests)
			}
		})
	}
	if !Kept(mustBuild(t, newFakeCluster(t).client(t), kept)[0]) {
		t.Error("Kept = false for helm.sh/resource-policy: keep")
	}
}

func TestDeleteReportsEachFailure(t *testing.T) {
	f := newFakeCluster(t)
	f.Add(t, ownedConfigMap("cm-0", release), ownedConfigMap("cm-1", release))
	f.Dyn.PrependReactor("delete", "configmaps", func(a clienttesting.Action) (bool, runtime.Object, error) {
		if a.(clienttesting.DeleteActionImpl).Name == "cm-0" {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "cm-0", errors.New("RBAC"))
		}
		return false, nil, nil
	})
	c := f.client(t)
	err := c.Delete(context.Background(), mustBuild(t, c, configMaps(2, "x")), release)
	if err == nil || !strings.Contains(err.Error(), "delete ConfigMap cm-0 (namespace shop)") {
		t.Fatalf("Delete = %v", err)
	}
	if f.Get(t, configmaps, "shop", "cm-1") != nil {
		t.Error("cm-1 was not deleted after cm-0 failed")
	}
}

func TestDeletePropagation(t *testing.T) {
	for _, tt := range []struct {
		asked metav1.DeletionPropagation
		want  metav1.DeletionPropagation
	}{
		{"", metav1.DeletePropagationBackground},
		{metav1.DeletePropagationForeground, metav1.DeletePropagationForeground},
		{metav1.DeletePropagationOrphan, metav1.DeletePropagationOrphan},
	} {
		t.Run(string(tt.want), func(t *testing.T) {
			f := newFakeCluster(t)
			f.Add(t, ownedConfigMap("cm-0", release))
			var got []metav1.DeletionPropagation
			f.Dyn.PrependReactor("delete", "configmaps", func(a clienttesting.Action) (bool, runtime.Object, error) {
				if p := a.(clienttesting.DeleteActionImpl).DeleteOptions.PropagationPolicy; p != nil {
					got = append(got, *p)
				}
				return false, nil, nil
			})
			c := f.client(t)
			err := c.DeleteWith(context.Background(), mustBuild(t, c, configMaps(1, "x")), DeleteOptions{Owner: release, Propagation: tt.asked})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("propagation sent %v, want [%s]", got, tt.want)
			}
		})
	}
}

func TestWaitDeleted(t *testing.T) {
	f := newFakeCluster(t)
	f.Add(t, ownedConfigMap("cm-0", release), ownedConfigMap("cm-1", release))
	c := f.client(t)
	infos := mustBuild(t, c, configMaps(3, "x"))
	go func() {
		for f.Watches() < 1 {
			time.Sleep(5 * time.Millisecond)
		}
		_ = f.Core.Tracker().Delete(configmaps, "shop", "cm-0")
		_ = f.Core.Tracker().Delete(configmaps, "shop", "cm-1")
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.WaitDeleted(ctx, infos); err != nil {
		t.Fatalf("WaitDeleted = %v", err)
	}

	f.Add(t, ownedConfigMap("cm-2", release))
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := c.WaitDeleted(ctx, infos)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "ConfigMap cm-2 (namespace shop) still exists") {
		t.Fatalf("WaitDeleted = %v", err)
	}
}

func TestInstallCRDs(t *testing.T) {
	const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    kind: Widget
    plural: widgets
  versions:
  - name: v1
    served: true
    storage: true
`
	f := newFakeCluster(t)
	// The API server establishes the CRD and serves its kind shortly after.
	f.Dyn.PrependReactor("create", "customresourcedefinitions", func(a clienttesting.Action) (bool, runtime.Object, error) {
		go func() {
			for f.Watches() < 1 {
				time.Sleep(5 * time.Millisecond)
			}
			obj := mustObject(t, crd)
			obj.Object["status"] = map[string]any{"conditions": []any{map[string]any{"type": "Established", "status": "True"}}}
			f.Serve(widgets)
			f.Update(t, obj)
		}()
		return false, nil, nil
	})
	c := f.client(t)
	if err := c.InstallCRDs(context.Background(), crd, 5*time.Second); err != nil {
		t.Fatalf("InstallCRDs = %v", err)
	}
	if _, err := c.Build(context.Background(), "shop", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"); err != nil {
		t.Errorf("Build of the new kind: %v", err)
	}
	// Existing CRDs are left alone: nothing is created, nothing awaited.
	f.ResetCounts()
	if err := c.InstallCRDs(context.Background(), crd, time.Second); err != nil {
		t.Fatalf("second InstallCRDs = %v", err)
	}
	if strings.Join(f.Verbs(), ",") != "create customresourcedefinitions" {
		t.Errorf("requests %v", f.Verbs())
	}
}

func TestInstallCRDsTimesOut(t *testing.T) {
	const crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.example.com\n"
	f := newFakeCluster(t)
	c := f.client(t)
	err := c.InstallCRDs(context.Background(), crd, 200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "CustomResourceDefinition gadgets.example.com did not become Established") {
		t.Fatalf("InstallCRDs = %v", err)
	}
}
