package harness

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

// NamespaceLabel marks namespaces the harness created, so leftovers in a
// reused cluster can be found.
const NamespaceLabel = "test.kpkg.io/e2e"

// Namespace creates a namespace for t alone, named after the test, waits
// until pods can be created in it (its default ServiceAccount exists) and
// deletes it when t ends.
func (e *Env) Namespace(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name:   namespaceName(t.Name()),
		Labels: map[string]string{NamespaceLabel: "true"},
	}}
	if _, err := e.Client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create test namespace %s: %v", ns.Name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := e.Client.CoreV1().Namespaces().Delete(ctx, ns.Name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("delete test namespace %s: %v", ns.Name, err)
		}
	})

	// The ServiceAccount admission plugin rejects pods until the
	// controller manager has made the namespace's default ServiceAccount.
	err := wait.PollUntilContextCancel(ctx, 50*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := e.Client.CoreV1().ServiceAccounts(ns.Name).Get(ctx, "default", metav1.GetOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("wait for the default ServiceAccount in %s: %v", ns.Name, err)
	}
	return ns.Name
}

// namespaceName turns a test name into a valid, unique namespace name:
// "e2e-<lowercased name, non-alphanumerics as '-', cut>-<random>".
func namespaceName(testName string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(testName) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	base := strings.Trim(b.String(), "-")
	// 63 is the limit: "e2e-" + 46 + "-" + 12 random hex digits.
	if len(base) > 46 {
		base = strings.TrimRight(base[:46], "-")
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	return "e2e-" + base + "-" + hex.EncodeToString(suffix)
}
