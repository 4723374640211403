package localcluster

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersionLDFlags(t *testing.T) {
	got := versionLDFlags("v1.37.2")
	for _, want := range []string{
		"k8s.io/component-base/version.gitVersion=v1.37.2",
		"k8s.io/component-base/version.gitMajor=1",
		"k8s.io/component-base/version.gitMinor=37",
		"k8s.io/client-go/pkg/version.gitVersion=v1.37.2",
	} {
		if !strings.Contains(got, "-X "+want) {
			t.Errorf("versionLDFlags lacks -X %s: %s", want, got)
		}
	}
}

// fakeSources writes harness sources with just what planBuild reads.
func fakeSources(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"controlplane/go.mod":       "module x\n\ngo 1.26\n\nrequire (\n\tk8s.io/kubernetes v1.37.2 // indirect\n\tgo.etcd.io/etcd/server/v3 v3.7.0\n)\n",
		"controlplane/go.sum":       "",
		"controlplane/etcd/main.go": "package main\n",
		"kwok/go.mod":               "module y\n\ngo 1.26\n\nrequire sigs.k8s.io/kwok v0.8.0\n",
		"kwok/go.sum":               "",
		"kwok/stages/a.yaml":        "kind: Stage\n",
	}
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPlanBuildKey(t *testing.T) {
	ctx := context.Background()
	src := fakeSources(t)
	first, err := planBuild(ctx, src)
	if err != nil {
		t.Fatalf("planBuild: %v", err)
	}
	if want := "k8s-v1.37.2_kwok-v0.8.0_"; !strings.HasPrefix(first.key, want) {
		t.Errorf("key %q, want prefix %q", first.key, want)
	}
	again, err := planBuild(ctx, src)
	if err != nil || again.key != first.key {
		t.Fatalf("same sources gave key %q (err %v), want %q", again.key, err, first.key)
	}

	if err := os.WriteFile(filepath.Join(src, "kwok", "stages", "a.yaml"), []byte("kind: Stage # changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	changed, err := planBuild(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if changed.key == first.key {
		t.Errorf("changing a stage file kept the key %q; the binary set would not be rebuilt", first.key)
	}
}
