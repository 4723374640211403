package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// tool is a program under test; all take Helm's command line.
type tool struct {
	name string
	path string
}

// workload is a chart and the flags it is installed and upgraded with.
type workload struct {
	// id keys the results; name is shown.
	id      string
	name    string
	chart   string
	objects int
	// install and upgrade are extra flags; upgrade changes what every
	// workload's pods run, so it is a real rollout.
	install, upgrade []string
}

// result is one timed operation.
type result struct {
	Workload string        `json:"workload"`
	Tool     string        `json:"tool"`
	Rep      int           `json:"rep"`
	Op       string        `json:"op"`
	Took     time.Duration `json:"took"`
	// CPU is the process's user and system time.
	CPU    time.Duration `json:"cpu"`
	Failed string        `json:"failed,omitempty"`
	// Requests and Throttled are kpkg's own count, from its counting pass.
	Requests  int64         `json:"requests,omitempty"`
	Throttled time.Duration `json:"throttled,omitempty"`
	Counting  bool          `json:"counting,omitempty"`
}

var ops = []string{"install", "upgrade", "rollback", "uninstall"}

type bench struct {
	cfg     config
	client  kubernetes.Interface
	env     []string
	tools   []tool
	results []result
	raw     *os.File
}

func newBench(c config, tmp string) (*bench, error) {
	rc, err := clientcmd.BuildConfigFromFlags("", c.kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", c.kubeconfig, err)
	}
	rc.QPS, rc.Burst = 50, 100
	client, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, err
	}
	raw, err := os.Create(c.out)
	if err != nil {
		return nil, err
	}
	// Every tool gets the same fresh Helm homes and no repositories.
	env := append(os.Environ(), "KUBECONFIG="+c.kubeconfig,
		"HELM_CONFIG_HOME="+filepath.Join(tmp, "config"), "HELM_CACHE_HOME="+filepath.Join(tmp, "cache"),
		"HELM_DATA_HOME="+filepath.Join(tmp, "data"))
	return &bench{cfg: c, client: client, env: env, tools: c.tools, raw: raw}, nil
}

func (b *bench) close() { b.raw.Close() }

func (b *bench) workloads(tmp string) ([]*workload, error) {
	var out []*workload
	for _, n := range b.cfg.sizes {
		dir, err := generatedChart(tmp, n)
		if err != nil {
			return nil, err
		}
		out = append(out, &workload{id: fmt.Sprintf("gen%d", n), name: "generated", chart: dir, objects: n,
			upgrade: []string{"--set", "rev=2"}})
	}
	if b.cfg.corpus != "" {
		dir := filepath.Join(b.cfg.corpus, "charts", "kube-prometheus-stack")
		if _, err := os.Stat(filepath.Join(dir, "Chart.yaml")); err != nil {
			return nil, fmt.Errorf("kube-prometheus-stack: %w (pass -corpus '' to leave it out)", err)
		}
		// The admission webhooks would need the operator to serve them;
		// the local cluster's pods run nothing.
		base := []string{"--set", "prometheusOperator.admissionWebhooks.enabled=false"}
		out = append(out, &workload{id: "kps", name: "kube-prometheus-stack", chart: dir, install: base,
			upgrade: append(append([]string{}, base...), "--set-string", "commonLabels.bench=rev2,grafana.podAnnotations.bench=rev2,prometheusOperator.podAnnotations.bench=rev2")})
	}
	return out, nil
}

// warmUp runs each tool once on the smallest chart, unrecorded, so that
// no tool pays for a cold page cache, and installs the CRDs of
// kube-prometheus-stack so that no tool pays for creating them.
func (b *bench) warmUp(ctx context.Context, workloads []*workload) error {
	for _, t := range b.tools {
		b.cycle(ctx, workloads[0], t, -1, false)
	}
	for _, w := range workloads {
		if w.objects == 0 {
			b.cycle(ctx, w, b.tools[0], -1, false)
		}
	}
	for _, r := range b.results {
		if r.Failed != "" {
			return fmt.Errorf("warm-up %s %s of %s failed: %s", r.Tool, r.Op, r.Workload, r.Failed)
		}
	}
	b.results = b.results[:0]
	return nil
}

// cycle installs, upgrades, rolls back and uninstalls w with t in a fresh
// namespace, recording each step (rep < 0: a warm-up). counting runs kpkg
// under --debug to read its request counts instead of timing it.
func (b *bench) cycle(ctx context.Context, w *workload, t tool, rep int, counting bool) {
	ns := fmt.Sprintf("bench-%s-%d-%d", t.name, time.Now().UnixNano()%1e9, rep+1)
	name := "b" + strconv.Itoa(int(time.Now().UnixNano()%1e6))
	if err := b.createNamespace(ctx, ns); err != nil {
		b.record(result{Workload: w.id, Tool: t.name, Rep: rep, Op: "install", Failed: err.Error()})
		return
	}
	defer b.deleteNamespace(ctx, ns)
	timeout := []string{"--namespace", ns, "--wait", "--timeout", b.cfg.timeout.String()}
	steps := [][]string{
		append(append([]string{"install", name, w.chart}, timeout...), w.install...),
		append(append([]string{"upgrade", name, w.chart}, timeout...), w.upgrade...),
		append([]string{"rollback", name, "1"}, timeout...),
		append([]string{"uninstall", name}, timeout...),
	}
	for i, args := range steps {
		if counting {
			args = append(args, "--debug")
		}
		r := b.runOp(ctx, t, args)
		r.Workload, r.Tool, r.Rep, r.Op, r.Counting = w.id, t.name, rep, ops[i], counting
		if i == 0 && r.Failed == "" && w.objects == 0 {
			b.countObjects(ctx, t, name, ns, w)
		}
		b.record(r)
		if r.Failed != "" {
			return
		}
	}
}

var requestsLine = regexp.MustCompile(`(\d+) request\(s\) to the API server; (\d+) waited for the client-side rate limiter, (\S+) in all`)

func (b *bench) runOp(ctx context.Context, t tool, args []string) result {
	cmd := exec.CommandContext(ctx, t.path, args...)
	cmd.Env = b.env
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{Took: time.Since(start)}
	if cmd.ProcessState != nil {
		r.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		tail := stderr.String()
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		r.Failed = fmt.Sprintf("%v: %s", err, strings.TrimSpace(tail))
	}
	if m := requestsLine.FindStringSubmatch(stderr.String()); m != nil {
		r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
		r.Throttled, _ = time.ParseDuration(m[3])
	}
	return r
}

// countObjects sets w.objects from the installed manifest, for charts
// that are not generated.
func (b *bench) countObjects(ctx context.Context, t tool, name, ns string, w *workload) {
	cmd := exec.CommandContext(ctx, t.path, "get", "manifest", name, "--namespace", ns)
	cmd.Env = b.env
	out, err := cmd.Output()
	if err != nil {
		return
	}
	w.objects = bytes.Count(out, []byte("\nkind: "))
}

func (b *bench) record(r result) {
	run := fmt.Sprintf("rep %d", r.Rep+1)
	switch {
	case r.Counting:
		run = "count"
	case r.Rep < 0:
		run = "warm-up"
	}
	if r.Rep >= 0 {
		b.results = append(b.results, r)
		line, _ := json.Marshal(r)
		fmt.Fprintln(b.raw, string(line))
	}
	status := "ok"
	if r.Failed != "" {
		status = "FAILED: " + r.Failed
	}
	fmt.Fprintf(os.Stderr, "%-8s %-6s %-7s %-9s %8.2fs %s\n", r.Workload, r.Tool, run, r.Op, r.Took.Seconds(), status)
}

func (b *bench) createNamespace(ctx context.Context, ns string) error {
	_, err := b.client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	// Pods are refused until the namespace's default ServiceAccount exists.
	return wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := b.client.CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
		return err == nil, nil
	})
}

// deleteNamespace deletes ns and waits until it is gone, so the next
// measurement does not share the cluster with its clean-up.
func (b *bench) deleteNamespace(ctx context.Context, ns string) {
	if err := b.client.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		fmt.Fprintf(os.Stderr, "delete namespace %s: %v\n", ns, err)
		return
	}
	_ = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := b.client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
}
