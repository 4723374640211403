package localcluster

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

const pollInterval = 100 * time.Millisecond

// waitReady returns once the cluster can run workloads: the API server's
// /readyz passes, the controller manager and scheduler answer /healthz,
// the default ServiceAccount exists (so pods can be admitted) and the fake
// Node is Ready. A component that exits meanwhile fails the wait at once.
func waitReady(ctx context.Context, c *Cluster, p ports, log io.Writer) error {
	client, err := readinessClient(c)
	if err != nil {
		return err
	}
	if err := waitAPIReady(ctx, c); err != nil {
		return err
	}
	fmt.Fprintln(log, "API server ready")

	if err := createFakeNode(ctx, client); err != nil {
		return err
	}
	if err := createStorage(ctx, client); err != nil {
		return err
	}

	insecure := &http.Client{
		Timeout: 2 * time.Second,
		// The controller manager and scheduler serve a self-signed
		// certificate they made in their cert dir; this only asks our own
		// loopback process whether it is healthy.
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec
	}
	defer insecure.CloseIdleConnections()
	urls := healthURLs(p)
	names := make([]string, 0, len(urls))
	for name := range urls {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := poll(ctx, c, name+" /healthz", func(ctx context.Context) (bool, error) {
			return httpOK(ctx, insecure, urls[name]), nil
		}); err != nil {
			return err
		}
	}

	if err := poll(ctx, c, "the default ServiceAccount", func(ctx context.Context) (bool, error) {
		_, err := client.CoreV1().ServiceAccounts(metav1.NamespaceDefault).Get(ctx, "default", metav1.GetOptions{})
		return err == nil, nil
	}); err != nil {
		return err
	}

	return poll(ctx, c, "the fake Node "+fakeNodeName+" to be Ready", func(ctx context.Context) (bool, error) {
		node, err := client.CoreV1().Nodes().Get(ctx, fakeNodeName, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		for _, cond := range node.Status.Conditions {
			if cond.Type == corev1.NodeReady {
				return cond.Status == corev1.ConditionTrue, nil
			}
		}
		return false, nil
	})
}

func readinessClient(c *Cluster) (kubernetes.Interface, error) {
	cfg := c.RESTConfig()
	cfg.Timeout = 5 * time.Second
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("build client for readiness checks: %w", err)
	}
	return client, nil
}

// waitAPIReady returns once the API server's /readyz passes.
func waitAPIReady(ctx context.Context, c *Cluster) error {
	client, err := readinessClient(c)
	if err != nil {
		return err
	}
	return poll(ctx, c, "the API server's /readyz", func(ctx context.Context) (bool, error) {
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return err == nil && string(body) == "ok", nil
	})
}

// createFakeNode registers the Node that kwok plays the kubelet for.
func createFakeNode(ctx context.Context, client kubernetes.Interface) error {
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: fakeNodeName,
			Labels: map[string]string{
				corev1.LabelHostname:   fakeNodeName,
				corev1.LabelOSStable:   "linux",
				corev1.LabelArchStable: runtime.GOARCH,
				"type":                 "kwok",
			},
			Annotations: map[string]string{
				"kwok.x-k8s.io/node":           "fake",
				"node.alpha.kubernetes.io/ttl": "0",
			},
		},
	}
	_, err := client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create the fake node %s: %w", fakeNodeName, err)
	}
	return nil
}

func httpOK(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// poll calls cond until it reports done, ctx ends, or a component of c
// exits; what names the wait in errors.
func poll(ctx context.Context, c *Cluster, what string, cond func(context.Context) (bool, error)) error {
	for {
		if err := c.checkAlive(); err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		done, err := cond(ctx)
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w\n%s", what, ctx.Err(), c.logTails(15))
		case <-time.After(pollInterval):
		}
	}
}

// checkAlive fails if any component has exited, with the end of its log.
func (c *Cluster) checkAlive() error {
	for _, p := range c.procs {
		if done, waitErr := p.exited(); done {
			return fmt.Errorf("%s exited (%v); end of %s:\n%s", p.Name, waitErr, p.Log, p.logTail(30))
		}
	}
	return nil
}

// logTails returns the end of every component's log, for timeouts.
func (c *Cluster) logTails(lines int) string {
	var out string
	for _, p := range c.procs {
		out += fmt.Sprintf("--- %s (%s):\n%s\n", p.Name, p.Log, p.logTail(lines))
	}
	return out
}
