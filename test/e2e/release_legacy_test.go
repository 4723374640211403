package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"
)

// TestReleaseFromEarlierKpkg: a release stored as the previous kpkg stored
// it (kpkg.dev/release.v1 Secrets, objects applied by field manager
// "kpkg") is read, then upgraded by this kpkg, which moves its history into
// Helm's format without a conflict against its own earlier fields, drops a
// field the new values no longer render, and leaves it operable by Helm.
func TestReleaseFromEarlierKpkg(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("basic")
	out, err := exec.Command(kpkgBinary(t), "template", "old", chart, "--namespace", ns, "--set", "note=old,message=v1").Output()
	if err != nil {
		t.Fatalf("kpkg template: %v", err)
	}
	manifest := string(out)
	applyAsEarlierKpkg(t, ns, "old", manifest)
	writeEarlierRevision(t, ns, "old", 1, manifest)

	wantHistory(t, ns, "old", "1:deployed")
	if vals := mustKpkg(t, ns, "get", "values", "old").stdout; !strings.Contains(vals, "message: v1") {
		t.Errorf("kpkg get values of the earlier format:\n%s", vals)
	}
	r := mustKpkg(t, ns, "upgrade", "old", chart, "--set", "message=v2")
	if !strings.Contains(r.stderr, "moved 1 revision(s) of release old") {
		t.Errorf("the upgrade did not say it moved the history: %s", r)
	}
	if _, err := env.Client.CoreV1().Secrets(ns).Get(context.Background(), "kpkg.release.v1.old.v1", metav1.GetOptions{}); err == nil {
		t.Errorf("the earlier format's Secret survived the move")
	}
	wantHistory(t, ns, "old", "1:superseded 2:deployed")
	if msg, _ := configMapData(t, ns, "old-config", "message"); msg != "v2" {
		t.Errorf("message = %q after the upgrade", msg)
	}
	if note, ok := configMapData(t, ns, "old-config", "note"); ok {
		t.Errorf("data.note (%q), applied by the earlier kpkg and no longer rendered, is still live", note)
	}
	mustKpkg(t, ns, "rollback", "old", "1")
	if note, _ := configMapData(t, ns, "old-config", "note"); note != "old" {
		t.Errorf("rollback to the moved revision 1: note = %q", note)
	}
	for _, h := range optionalHelms(t) {
		if out := h.must(t, ns, nil, "history", "old").stdout; !strings.Contains(out, "Rollback to 1") {
			t.Errorf("helm %s history of the moved release:\n%s", h.name, out)
		}
	}
}

// applyAsEarlierKpkg applies a manifest as the previous kpkg did: server
// side, field manager "kpkg", with Helm's ownership metadata.
func applyAsEarlierKpkg(t *testing.T, ns, release, manifest string) {
	t.Helper()
	for _, doc := range strings.Split(manifest, "\n---") {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil || obj == nil {
			continue
		}
		u := &unstructured.Unstructured{Object: obj}
		if u.GetKind() != "ConfigMap" {
			continue // the ConfigMap is the object whose fields the test follows
		}
		u.SetNamespace(ns)
		u.SetLabels(map[string]string{"app.kubernetes.io/managed-by": "Helm"})
		u.SetAnnotations(map[string]string{"meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": ns})
		data, _ := json.Marshal(u.Object)
		gvr := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
		if _, err := env.Dynamic.Resource(gvr).Namespace(ns).Patch(context.Background(), u.GetName(), types.ApplyPatchType, data,
			metav1.PatchOptions{FieldManager: "kpkg", Force: ptr(true)}); err != nil {
			t.Fatalf("apply %s as the earlier kpkg: %v", u.GetName(), err)
		}
	}
}

// writeEarlierRevision stores a revision in the previous kpkg's format.
func writeEarlierRevision(t *testing.T, ns, name string, version int, manifest string) {
	t.Helper()
	payload := map[string]any{
		"format": 1, "name": name, "namespace": ns, "version": version,
		"info":         map[string]any{"notes": "earlier kpkg"},
		"chart":        map[string]any{"metadata": map[string]any{"apiVersion": "v2", "name": "basic", "version": "0.1.0"}},
		"config":       map[string]any{"note": "old", "message": "v1"},
		"computed":     map[string]any{"note": "old", "message": "v1", "replicas": 1},
		"manifest":     manifest,
		"apply_method": "server-side",
	}
	raw, _ := json.Marshal(payload)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	sum := sha256.Sum256(buf.Bytes())
	now := time.Now().UTC().Format(time.RFC3339)
	info, _ := json.Marshal(map[string]any{"first_deployed": now, "last_deployed": now, "status": "deployed", "description": "Install complete"})
	chart, _ := json.Marshal(map[string]any{"name": "basic", "version": "0.1.0"})
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "kpkg.release.v1." + name + ".v" + itoa(version),
			Labels: map[string]string{"owner": "kpkg", "name": name, "version": itoa(version), "status": "deployed"},
			Annotations: map[string]string{"kpkg.dev/info": string(info), "kpkg.dev/chart": string(chart), "kpkg.dev/parts": "1",
				"kpkg.dev/payload-digest": "sha256:" + hex.EncodeToString(sum[:]), "kpkg.dev/format": "1"}},
		Type: "kpkg.dev/release.v1",
		Data: map[string][]byte{"release": buf.Bytes()},
	}
	if _, err := env.Client.CoreV1().Secrets(ns).Create(context.Background(), s, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}
