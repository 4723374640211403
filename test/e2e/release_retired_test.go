package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// TestRetiredAPIs: after the cluster stops serving the API version a
// release's object was written in, status and uninstall reach the object
// through the version still served; an object whose kind is served in no
// version any more is reported and skipped instead of failing the
// uninstall (Helm fails there, and the release is stuck).
func TestRetiredAPIs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ns := env.Namespace(t)
	crds := env.Dynamic.Resource(crdResource)
	t.Cleanup(func() {
		for _, name := range []string{"gizmos.retired.kpkg.io", "gadgets.retired.kpkg.io"} {
			_ = crds.Delete(context.Background(), name, metav1.DeleteOptions{})
		}
	})
	mustKpkg(t, ns, "install", "old", testChart("retired-api"))
	gizmos := env.Dynamic.Resource(schema.GroupVersionResource{Group: "retired.kpkg.io", Version: "v1", Resource: "gizmos"}).Namespace(ns)
	if _, err := gizmos.Get(ctx, "old", metav1.GetOptions{}); err != nil {
		t.Fatalf("the Gizmo was not created: %v", err)
	}

	stopServing(t, "gizmos.retired.kpkg.io", "v1beta1")
	if err := crds.Delete(ctx, "gadgets.retired.kpkg.io", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Minute, "the Gadget CRD to be deleted", func() bool {
		_, err := crds.Get(ctx, "gadgets.retired.kpkg.io", metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	})

	r := mustKpkg(t, ns, "status", "old", "--show-resources")
	if !strings.Contains(r.stdout, "STATUS: deployed") {
		t.Errorf("status after the API change:\n%s", r.stdout)
	}
	r = mustKpkg(t, ns, "uninstall", "old")
	if !strings.Contains(r.stdout, "Gadget old (retired.kpkg.io/v1 is no longer served)") {
		t.Errorf("uninstall does not name the Gadget it could not delete:\n%s", r.stdout)
	}
	waitFor(t, time.Minute, "the Gizmo to be deleted through v1", func() bool {
		_, err := gizmos.Get(ctx, "old", metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	})
	if _, err := env.Client.CoreV1().ConfigMaps(ns).Get(ctx, "old-plain", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the ConfigMap survived the uninstall: %v", err)
	}
	if s := releaseSecrets(t, ns, "old"); len(s) != 0 {
		t.Errorf("uninstall left stored revisions: %v", secretNames(s))
	}
}

// stopServing marks one version of a CRD as no longer served and waits
// until discovery stops listing it.
func stopServing(t *testing.T, crd, version string) {
	t.Helper()
	ctx := context.Background()
	crds := env.Dynamic.Resource(crdResource)
	obj, err := crds.Get(ctx, crd, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	versions, _, _ := unstructured.NestedSlice(obj.Object, "spec", "versions")
	for _, v := range versions {
		if m := v.(map[string]any); m["name"] == version {
			m["served"] = false
		}
	}
	if err := unstructured.SetNestedSlice(obj.Object, versions, "spec", "versions"); err != nil {
		t.Fatal(err)
	}
	if _, err := crds.Update(ctx, obj, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("stop serving %s of %s: %v", version, crd, err)
	}
	group := strings.SplitN(crd, ".", 2)[1]
	waitFor(t, time.Minute, version+" of "+crd+" to leave discovery", func() bool {
		_, err := env.Client.Discovery().ServerResourcesForGroupVersion(group + "/" + version)
		return apierrors.IsNotFound(err)
	})
}
