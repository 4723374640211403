package release

import (
	"context"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"

	"github.com/kpkg/kpkg/pkg/render"
)

// TestLogs copies the logs of a release's test pods to w, in the order the
// tests run, each after a "POD LOGS: NAME" line and followed by a blank
// line, as Helm's test --logs prints them. A test hook is read as the pod
// of its name, so a test that is not a Pod, or whose pod its delete policy
// already removed, fails with the pod's name.
func TestLogs(ctx context.Context, c *Config, rel *Release, o TestOptions, w io.Writer) error {
	pods := c.Kube.Core().CoreV1().Pods(rel.Namespace)
	for _, h := range o.selected(hooksFor(rel, render.HookTest)) {
		logs, err := pods.GetLogs(h.Name, &corev1.PodLogOptions{}).Stream(ctx)
		if err != nil {
			return fmt.Errorf("read the logs of test pod %s (namespace %s): %w", h.Name, rel.Namespace, err)
		}
		fmt.Fprintf(w, "POD LOGS: %s\n", h.Name)
		_, err = io.Copy(w, logs)
		logs.Close()
		fmt.Fprintln(w)
		if err != nil {
			return fmt.Errorf("copy the logs of test pod %s: %w", h.Name, err)
		}
	}
	return nil
}
