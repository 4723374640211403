package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
)

// restartable serves an apiServer on a fixed loopback port that can go
// away (connections refused) and come back.
type restartable struct {
	addr string
	srv  *http.Server
	api  *apiServer
}

func newRestartable(t *testing.T) *restartable {
	r := &restartable{api: newAPIServer(t)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.serve(ln)
	t.Cleanup(func() { r.srv.Close() })
	return r
}

func (r *restartable) serve(ln net.Listener) {
	r.srv = &http.Server{Handler: http.HandlerFunc(r.api.serve)}
	go func() { _ = r.srv.Serve(ln) }()
}

// restart closes the server and listens again after down.
func (r *restartable) restart(t *testing.T, down time.Duration) <-chan struct{} {
	r.srv.Close()
	back := make(chan struct{})
	go func() {
		defer close(back)
		time.Sleep(down)
		ln, err := net.Listen("tcp", r.addr)
		if err != nil {
			t.Errorf("listen again on %s: %v", r.addr, err)
			return
		}
		r.serve(ln)
	}()
	return back
}

// An apply sent while the server restarts waits for it and succeeds; the
// requests are counted, retries included.
func TestApplyWaitsForARestartingServer(t *testing.T) {
	r := newRestartable(t)
	c, err := NewForConfig(&rest.Config{Host: "http://" + r.addr}, "shop")
	if err != nil {
		t.Fatal(err)
	}
	infos := mustBuild(t, c, configMaps(20, "x"))
	before := c.Stats().Requests
	if before == 0 {
		t.Fatal("discovery requests were not counted")
	}
	back := r.restart(t, 700*time.Millisecond)
	if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: release}); err != nil {
		t.Fatalf("Apply across a restart: %v", err)
	}
	<-back
	if n := r.api.count("PATCH configmaps"); n != 20 {
		t.Errorf("%d PATCHes reached the server, want 20", n)
	}
	if got := c.Stats().Requests - before; got <= 21 {
		t.Errorf("Stats counted %d requests for a LIST and 20 PATCHes sent while the server was down; want the refused attempts too", got)
	}
}

// A server that never answered is reported at once: a wrong address is
// likelier than a restart.
func TestRefusedFirstConnectionFailsFast(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := NewForConfig(&rest.Config{Host: "http://" + addr}, "shop")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.Build(context.Background(), "shop", configMaps(1, "x")); err == nil {
		t.Fatal("Build against a closed port succeeded")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("failing against a closed port took %s", took)
	}
}

// The client-side rate limiters' waits are measured, and the lock has a
// clientset (and so a limiter) of its own.
func TestStatsThrottling(t *testing.T) {
	s := newAPIServer(t)
	c, err := NewForConfig(&rest.Config{Host: s.srv.URL, QPS: 2, Burst: 1}, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if c.Lock() == c.Core() {
		t.Error("the lock shares the typed clientset")
	}
	infos := mustBuild(t, c, configMaps(3, "x"))
	if err := c.Apply(context.Background(), infos, ApplyOptions{Owner: release}); err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	if st.ThrottledRequests == 0 || st.Throttled < 500*time.Millisecond {
		t.Errorf("Stats = %+v; at 2 QPS, 3 PATCHes after a LIST must wait about a second", st)
	}
	if st.Requests < 4 {
		t.Errorf("Stats.Requests = %d, want at least a LIST and 3 PATCHes", st.Requests)
	}
}

func TestTransient(t *testing.T) {
	gr := schema.GroupResource{Resource: "configmaps"}
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("boom"), false},
		{context.Canceled, false},
		{apierrors.NewNotFound(gr, "x"), false},
		{apierrors.NewConflict(gr, "x", errors.New("changed")), false},
		{&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, true},
		{fmt.Errorf("apply x: %w", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}), true},
		{apierrors.NewServiceUnavailable("starting"), true},
		{apierrors.NewTooManyRequests("busy", 1), true},
		{apierrors.NewServerTimeout(gr, "patch", 1), true},
		{fmt.Errorf("unexpected error when reading response body. Please retry. Original error: %w", io.ErrUnexpectedEOF), true},
	}
	for _, tt := range tests {
		if got := transient(tt.err); got != tt.want {
			t.Errorf("transient(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// Requests that failed because the server could not be reached are
// reported once, with a count, ahead of other failures.
func TestCollectCollapsesUnreachable(t *testing.T) {
	refused := func(obj string) error {
		return fmt.Errorf("apply %s: %w", obj, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
	}
	errs := []error{nil, refused("ConfigMap a"), errors.New("apply ConfigMap b: invalid"), refused("ConfigMap c"), refused("ConfigMap d")}
	err := collect(context.Background(), "stopped applying", errs)
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 {
		t.Fatalf("collect = %q, want two lines", err)
	}
	if !strings.Contains(lines[0], "apply ConfigMap a") || !strings.Contains(lines[0], "and 2 more request(s) failed the same way") {
		t.Errorf("first line = %q", lines[0])
	}
	if lines[1] != "apply ConfigMap b: invalid" {
		t.Errorf("second line = %q", lines[1])
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Error("the cause is not kept")
	}
}
