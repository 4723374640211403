package kube

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/rest"
)

func TestOptionsRates(t *testing.T) {
	tests := []struct {
		opts  Options
		qps   float32
		burst int
	}{
		{Options{}, DefaultQPS, DefaultBurst},
		{Options{QPS: 20, Burst: 40}, 20, 40},
		{Options{QPS: -1}, -1, DefaultBurst},
	}
	for _, tt := range tests {
		if qps, burst := tt.opts.rates(); qps != tt.qps || burst != tt.burst {
			t.Errorf("%+v.rates() = %v, %v, want %v, %v", tt.opts, qps, burst, tt.qps, tt.burst)
		}
	}
}

func TestNewWithOptions(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "config")
	cfg := `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443
contexts:
- name: c
  context:
    cluster: c
    namespace: shop
current-context: c
`
	if err := os.WriteFile(kubeconfig, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig = &kubeconfig
	c, err := NewWithOptions(flags, Options{QPS: 7, Burst: 9})
	if err != nil {
		t.Fatal(err)
	}
	if c.Namespace != "shop" || c.Host() != "https://127.0.0.1:6443" {
		t.Errorf("namespace %q host %q", c.Namespace, c.Host())
	}
	missing := filepath.Join(t.TempDir(), "none")
	flags = genericclioptions.NewConfigFlags(false)
	flags.KubeConfig = &missing
	var ce *ConfigError
	if _, err := New(flags); !errors.As(err, &ce) {
		t.Errorf("New with a missing kubeconfig = %v, want a ConfigError", err)
	}
	if c, err := NewForConfig(&rest.Config{Host: "https://127.0.0.1:1"}, ""); err != nil || c.Namespace != "default" {
		t.Errorf("NewForConfig = %v, %v", c, err)
	}
}

func TestCollectSaysCancellationOnce(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cause := errors.New("upgrade interrupted")
	cancel(cause)
	var errs []error
	for i := range 10 {
		errs = append(errs, &url.Error{Op: "Patch", URL: fmt.Sprintf("https://api/cm-%d", i), Err: context.Canceled})
	}
	errs = append(errs, errors.New("apply ConfigMap x: forbidden"), nil,
		errors.New("client rate limiter Wait returned an error: rate: Wait(n=1) would exceed context deadline"))
	err := collect(ctx, "stopped applying", errs)
	if !errors.Is(err, cause) || strings.Count(err.Error(), "\n") != 1 || !strings.Contains(err.Error(), "forbidden") {
		t.Errorf("collect = %q", err)
	}
	if err := collect(context.Background(), "x", []error{nil, nil}); err != nil {
		t.Errorf("collect of no failures = %v", err)
	}
}

func TestLookupAndServerInfo(t *testing.T) {
	f := newFakeCluster(t)
	f.Add(t, ownedConfigMap("cm-0", release))
	c := f.client(t)
	lookup := c.Lookup(context.Background())
	obj, err := lookup("v1", "ConfigMap", "shop", "cm-0")
	if err != nil || obj["data"].(map[string]any)["message"] != "old" {
		t.Errorf("lookup cm-0 = %v, %v", obj, err)
	}
	list, err := lookup("v1", "ConfigMap", "shop", "")
	if err != nil || len(list["items"].([]any)) != 1 {
		t.Errorf("lookup list = %v, %v", list, err)
	}
	for _, args := range [][4]string{{"v1", "ConfigMap", "shop", "nope"}, {"example.com/v1", "Gadget", "shop", "g"}} {
		if obj, err := lookup(args[0], args[1], args[2], args[3]); err != nil || len(obj) != 0 {
			t.Errorf("lookup %v = %v, %v, want an empty map", args, obj, err)
		}
	}
	if _, err := lookup("a/b/c", "X", "", ""); err == nil {
		t.Error("lookup of an invalid apiVersion succeeded")
	}
	info, err := c.ServerInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(info.APIVersions, " ")
	for _, want := range []string{"apps/v1", "apps/v1/Deployment", "v1/ConfigMap"} {
		if !strings.Contains(joined, want) {
			t.Errorf("APIVersions lack %s: %v", want, info.APIVersions)
		}
	}
}
