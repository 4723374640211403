package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kpkg/kpkg/pkg/repo/repotest"
)

// runLocal runs a kpkg command that does not talk to the cluster.
func runLocal(t *testing.T, args ...string) string {
	t.Helper()
	bin := kpkgBinary(t) // build before the clock starts: it can take minutes
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kpkg %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// TestOCIPushPullInstall is the distribution round trip: package a chart,
// push it to a real registry on 127.0.0.1, pull it back byte for byte, and
// install it from the registry into the cluster.
func TestOCIPushPullInstall(t *testing.T) {
	if os.Getenv("KPKG_TEST_REGISTRY") == "" {
		t.Fatal("KPKG_TEST_REGISTRY is not set; run the e2e tests with 'make e2e', which builds the test registry")
	}
	registry := repotest.StartRegistry(t, "")
	ns := env.Namespace(t)
	work := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(work, "config"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(work, "cache"))

	runLocal(t, "package", repoChart("mongodb"), "-d", work)
	packaged := filepath.Join(work, "mongodb-0.1.0.tgz")
	want, err := os.ReadFile(packaged)
	if err != nil {
		t.Fatal(err)
	}

	ref := "oci://" + registry + "/charts"
	runLocal(t, "push", packaged, ref, "--plain-http")

	pulled := filepath.Join(work, "pulled")
	runLocal(t, "pull", ref+"/mongodb", "--version", "0.1.0", "--plain-http", "-d", pulled)
	got, err := os.ReadFile(filepath.Join(pulled, "mongodb-0.1.0.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("pulled archive (%d bytes) differs from the pushed one (%d bytes)", len(got), len(want))
	}

	mustKpkg(t, ns, "install", "db", ref+"/mongodb", "--version", "0.1.0", "--plain-http", "--wait", "--timeout", "2m")
	sts, err := env.Client.AppsV1().StatefulSets(ns).Get(context.Background(), "db-mongodb", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("StatefulSet from the OCI chart: %v", err)
	}
	if sts.Status.ReadyReplicas != 1 {
		t.Errorf("StatefulSet ready replicas = %d, want 1", sts.Status.ReadyReplicas)
	}
	wantHistory(t, ns, "db", "1:deployed")
}
