package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestPostRendererRelease: install and upgrade through the real kustomize
// as post-renderer: the live objects carry its label and patch, the stored
// manifest is the post-rendered one (as Helm stores it), and an upgrade
// without it takes the label away again.
func TestPostRendererRelease(t *testing.T) {
	t.Parallel()
	bin := os.Getenv("KPKG_TEST_KUSTOMIZE")
	if bin == "" {
		t.Skip("KPKG_TEST_KUSTOMIZE is not set; `make e2e` builds kustomize and sets it")
	}
	ns := env.Namespace(t)
	dir := t.TempDir()
	files := map[string]string{
		"kustomization.yaml": "resources:\n- all.yaml\nlabels:\n- pairs:\n    team: platform\npatches:\n- path: patch.yaml\n",
		"patch.yaml":         "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pr-web\nspec:\n  replicas: 2\n",
		"render.sh":          "#!/bin/sh\nset -e\ncd \"$(dirname \"$0\")\"\ncat > all.yaml\nexec " + bin + " build .\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	renderer := filepath.Join(dir, "render.sh")
	chart := testChart("basic")
	mustKpkg(t, ns, "install", "pr", chart, "--post-renderer", renderer, "--wait")
	dep, err := env.Client.AppsV1().Deployments(ns).Get(context.Background(), "pr-web", metav1.GetOptions{})
	if err != nil || dep.Labels["team"] != "platform" || *dep.Spec.Replicas != 2 {
		t.Fatalf("the post-renderer's label and patch are not live: %v %v replicas %v", err, dep.Labels, dep.Spec.Replicas)
	}
	if m := mustKpkg(t, ns, "get", "manifest", "pr").stdout; !strings.Contains(m, "team: platform") {
		t.Errorf("the stored manifest is not the post-rendered one:\n%s", m)
	}
	mustKpkg(t, ns, "upgrade", "pr", chart, "--wait")
	dep, err = env.Client.AppsV1().Deployments(ns).Get(context.Background(), "pr-web", metav1.GetOptions{})
	if err != nil || dep.Labels["team"] != "" || *dep.Spec.Replicas != 1 {
		t.Errorf("after an upgrade without the post-renderer: %v labels %v replicas %v", err, dep.Labels, dep.Spec.Replicas)
	}
	failKpkg(t, ns, []string{"post-renderer", "exit status"}, "upgrade", "pr", chart, "--post-renderer", "false")
	wantHistory(t, ns, "pr", "1:superseded 2:deployed")
}
