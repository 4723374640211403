package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestReleaseLargerThanASecret: a release whose manifest is 3.6 MB of
// random characters (over 2.6 MB compressed) is stored across several
// Secrets and read back whole through upgrade and rollback.
func TestReleaseLargerThanASecret(t *testing.T) {
	t.Parallel()
	ns := env.Namespace(t)
	chart := testChart("big")
	mustKpkg(t, ns, "install", "big", chart)
	blob1 := liveBlob(t, ns)
	heads, parts := storedRevision(t, ns, "big", 1)
	if parts < 3 {
		t.Errorf("revision 1 is stored in %d Secrets, want at least 3 for a payload over 2 MiB", parts)
	}
	t.Logf("revision 1: %d bytes in %d Secrets", heads, parts)

	mustKpkg(t, ns, "upgrade", "big", chart)
	if liveBlob(t, ns) == blob1 {
		t.Fatalf("the upgrade did not change the data")
	}
	manifest := mustKpkg(t, ns, "get", "manifest", "big", "--revision", "1").stdout
	if len(manifest) < 3<<20 || !strings.Contains(manifest, blob1) {
		t.Fatalf("revision 1's manifest read back has %d bytes and lacks the live data", len(manifest))
	}
	mustKpkg(t, ns, "rollback", "big", "1")
	if liveBlob(t, ns) != blob1 {
		t.Errorf("rollback to revision 1 did not restore its data")
	}
	wantHistory(t, ns, "big", "1:superseded 2:superseded 3:deployed")
	mustKpkg(t, ns, "uninstall", "big")
	if s := releaseSecrets(t, ns, "big"); len(s) != 0 {
		t.Errorf("uninstall left %d Secrets", len(s))
	}
}

func liveBlob(t *testing.T, ns string) string {
	t.Helper()
	cm, err := env.Client.CoreV1().ConfigMaps(ns).Get(context.Background(), "big-blob-0", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cm.Data["blob"]
}

// storedRevision returns the bytes and the number of Secrets storing a
// revision.
func storedRevision(t *testing.T, ns, name string, version int) (bytes, secrets int) {
	t.Helper()
	for _, s := range releaseSecrets(t, ns, name) {
		if s.Labels["version"] == strconv.Itoa(version) {
			bytes += secretSize(s)
			secrets++
		}
	}
	return bytes, secrets
}
