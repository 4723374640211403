package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestCRDsJobsAndNewNamespace: CRDs from crds/ are installed and
// Established before the custom resources that use them are built; --wait
// covers custom resources, and --wait-for-jobs waits for Jobs to complete;
// --create-namespace makes the release namespace.
func TestCRDsJobsAndNewNamespace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ns := env.Namespace(t) + "-new"
	t.Cleanup(func() {
		_ = env.Client.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{})
		_ = env.Dynamic.Resource(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}).
			Delete(context.Background(), "widgets.test.kpkg.io", metav1.DeleteOptions{})
	})
	failKpkg(t, ns, []string{"namespace " + ns + " does not exist", "--create-namespace"}, "install", "w", testChart("crd"))
	mustKpkg(t, ns, "install", "w", testChart("crd"), "--create-namespace", "--wait", "--wait-for-jobs")

	widget, err := env.Dynamic.Resource(schema.GroupVersionResource{Group: "test.kpkg.io", Version: "v1", Resource: "widgets"}).
		Namespace(ns).Get(ctx, "w", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the custom resource was not created: %v", err)
	}
	if size, _, _ := unstructuredInt(widget.Object, "spec", "size"); size != 3 {
		t.Errorf("widget size = %d", size)
	}
	job, err := env.Client.BatchV1().Jobs(ns).Get(ctx, "w-once", metav1.GetOptions{})
	if err != nil || !jobDone(job) {
		t.Errorf("--wait-for-jobs returned before the Job completed: %v %+v", err, job.Status)
	}
	mustKpkg(t, ns, "upgrade", "w", testChart("crd"), "--set", "size=5", "--wait")
	mustKpkg(t, ns, "uninstall", "w", "--wait")
}

func jobDone(j *batchv1.Job) bool {
	for _, c := range j.Status.Conditions {
		if c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

func unstructuredInt(obj map[string]any, path ...string) (int64, bool, error) {
	var cur any = obj
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return 0, false, nil
		}
		cur = m[p]
	}
	switch v := cur.(type) {
	case int64:
		return v, true, nil
	case float64:
		return int64(v), true, nil
	}
	return 0, false, nil
}

// TestHistoryMaxAndLabels: --history-max prunes the oldest revisions and
// never the deployed one; --labels land on the stored revision;
// --generate-name names the release after the chart.
func TestHistoryMaxAndLabels(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("basic")
	mustKpkg(t, ns, "install", "hm", chart, "--labels", "team=blue")
	heads, err := env.Client.CoreV1().Secrets(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "owner=helm,name=hm,team=blue"})
	if err != nil || len(heads.Items) != 1 || heads.Items[0].Name != "sh.helm.release.v1.hm.v1" {
		t.Errorf("--labels team=blue is not on the stored revision: %v %v", err, heads)
	}
	for _, msg := range []string{"a", "b", "c", "d"} {
		mustKpkg(t, ns, "upgrade", "hm", chart, "--history-max", "3", "--set", "message="+msg)
	}
	wantHistory(t, ns, "hm", "3:superseded 4:superseded 5:deployed")
	s, err := env.Client.CoreV1().Secrets(ns).Get(context.Background(), "sh.helm.release.v1.hm.v1", metav1.GetOptions{})
	if err == nil {
		t.Errorf("revision 1 survived --history-max 3: %s", s.Name)
	}
	r := mustKpkg(t, ns, "install", chart, "--generate-name", "-o", "json")
	if !strings.Contains(r.stdout, `"name":"basic-`) {
		t.Errorf("--generate-name output: %s", r.stdout)
	}
}

// TestUninstallCascade: --cascade=orphan leaves a Deployment's ReplicaSet
// behind, --cascade=foreground removes it before the Deployment is gone.
func TestUninstallCascade(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ns := env.Namespace(t)
	replicaSets := func(rel string) []appsv1.ReplicaSet {
		list, err := env.Client.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + rel + "-web"})
		if err != nil {
			t.Fatal(err)
		}
		return list.Items
	}
	for _, rel := range []string{"orphan", "foreground"} {
		mustKpkg(t, ns, "install", rel, testChart("basic"))
		waitFor(t, time.Minute, "the ReplicaSet of "+rel, func() bool { return len(replicaSets(rel)) == 1 })
		mustKpkg(t, ns, "uninstall", rel, "--cascade", rel, "--wait")
	}
	// The orphaned ReplicaSet loses its owner reference and stays.
	waitFor(t, time.Minute, "the orphaned ReplicaSet to lose its owner", func() bool {
		rs := replicaSets("orphan")
		return len(rs) == 1 && len(rs[0].OwnerReferences) == 0
	})
	if rs := replicaSets("foreground"); len(rs) != 0 {
		t.Errorf("--cascade=foreground returned with %d ReplicaSets left", len(rs))
	}
}
