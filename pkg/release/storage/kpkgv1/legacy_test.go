package kpkgv1

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kpkg/kpkg/pkg/release/record"
	"github.com/kpkg/kpkg/pkg/release/storage"
)

// legacySecrets builds the Secrets today's kpkg writes for a revision, the
// payload split into parts of size bytes.
func legacySecrets(t testing.TB, version int, status string, size int) []runtime.Object {
	t.Helper()
	payload := map[string]any{
		"format": 1, "name": "web", "namespace": "shop", "version": version,
		"info":     map[string]any{"notes": "hello"},
		"chart":    map[string]any{"metadata": map[string]any{"name": "web", "version": "1.0.0"}, "digest": "sha256:00"},
		"config":   map[string]any{"replicas": 2},
		"computed": map[string]any{"replicas": 2, "image": "nginx"},
		"manifest": "---\n# Source: web/templates/cm.yaml\nkind: ConfigMap\n",
		"hooks": []any{map[string]any{"name": "t", "kind": "Pod", "events": []string{"test"},
			"last_run": map[string]any{"phase": "Succeeded", "started_at": "2026-01-01T00:00:00Z"}}},
		"apply_method": "server-side",
	}
	raw, _ := json.Marshal(payload)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	zw.Close()
	data := buf.Bytes()
	var chunks [][]byte
	for len(data) > size {
		chunks, data = append(chunks, data[:size]), data[size:]
	}
	chunks = append(chunks, data)
	info, _ := json.Marshal(map[string]any{"status": status, "description": "Upgrade complete", "last_deployed": "2026-01-02T00:00:00Z"})
	head := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: secretName("web", version), Namespace: "shop",
			Labels: map[string]string{"owner": "kpkg", "name": "web", "version": itoa(version), "status": status, "team": "a"},
			Annotations: map[string]string{annInfo: string(info), annParts: itoa(len(chunks)), annDigest: digest(buf.Bytes()),
				annHooks: `{"Pod/t":{"phase":"Failed","started_at":"2026-03-01T00:00:00Z"}}`}},
		Type: SecretType, Data: map[string][]byte{dataKey: chunks[0]},
	}
	out := []runtime.Object{head}
	for i := 1; i < len(chunks); i++ {
		out = append(out, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: secretName("web", version) + ".part" + itoa(i), Namespace: "shop",
				Labels: map[string]string{"owner": "kpkg", "name": "web", "version": itoa(version), labelPart: itoa(i)}},
			Type: PartSecretType, Data: map[string][]byte{dataKey: chunks[i]},
		})
	}
	return out
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestReadsTodaysFormat(t *testing.T) {
	ctx := context.Background()
	objs := append(legacySecrets(t, 1, "superseded", 1<<20), legacySecrets(t, 2, "deployed", 64)...)
	core := fake.NewClientset(objs...)
	d := New(core)
	idx, err := d.Index(ctx, "shop", "web")
	if err != nil || len(idx) != 2 {
		t.Fatalf("Index = %+v, %v; want the two heads, not the parts", idx, err)
	}
	rel, err := d.Get(ctx, "shop", "web", 2)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Info.Status != record.StatusDeployed || rel.Info.Description != "Upgrade complete" || rel.Info.Notes != "hello" ||
		rel.Chart.Values["image"] != "nginx" || rel.Config["replicas"] != float64(2) || rel.ApplyMethod != record.ApplyServerSide ||
		rel.Hooks[0].LastRun.Phase != "Failed" || rel.Chart.Metadata.Version != "1.0.0" {
		t.Errorf("converted revision %+v %+v", rel, rel.Info)
	}
	if err := d.Delete(ctx, "shop", "web", 2); err != nil {
		t.Fatal(err)
	}
	left, _ := core.CoreV1().Secrets("shop").List(ctx, metav1.ListOptions{})
	if len(left.Items) != 1 {
		t.Errorf("after deleting revision 2, %d Secrets are left; want revision 1's head", len(left.Items))
	}
	if _, err := d.Create(ctx, rel, storage.WriteOptions{}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Create = %v, want ErrReadOnly", err)
	}
}

func TestDamagedHeadIsCorrupt(t *testing.T) {
	ctx := context.Background()
	objs := legacySecrets(t, 1, "deployed", 1<<20)
	objs[0].(*corev1.Secret).Annotations[annDigest] = "sha256:bad"
	d := New(fake.NewClientset(objs...))
	var corrupt *storage.CorruptError
	if _, err := d.Get(ctx, "shop", "web", 1); !errors.As(err, &corrupt) || corrupt.Object != "Secret shop/kpkg.release.v1.web.v1" {
		t.Errorf("Get = %v, want a CorruptError naming the Secret", err)
	}
}
