package harness

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
)

// Proxy is a TCP proxy on 127.0.0.1 in front of the API server that can
// slow every request down or drop every connection for a while, so tests
// can show how kpkg behaves on a slow or briefly unreachable server. It
// passes TLS through: the API server's certificate is valid for any port
// on 127.0.0.1.
type Proxy struct {
	// Addr is where the proxy listens, host:port.
	Addr string
	// Kubeconfig is a copy of the admin kubeconfig pointing at Addr.
	Kubeconfig string

	target  string
	latency atomic.Int64 // nanoseconds, added to what clients send

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// Proxy starts a proxy to the API server for t, closed when t ends.
func (e *Env) Proxy(t testing.TB) *Proxy {
	t.Helper()
	u, err := url.Parse(e.Config.Host)
	if err != nil {
		t.Fatalf("parse the API server's address %q: %v", e.Config.Host, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Addr: ln.Addr().String(), target: u.Host, conns: map[net.Conn]struct{}{}}
	p.serve(ln)
	t.Cleanup(p.Close)
	kc, err := clientcmd.LoadFromFile(e.Kubeconfig)
	if err != nil {
		t.Fatalf("load %s: %v", e.Kubeconfig, err)
	}
	for _, c := range kc.Clusters {
		c.Server = "https://" + p.Addr
	}
	p.Kubeconfig = filepath.Join(t.TempDir(), "kubeconfig-proxy")
	if err := clientcmd.WriteToFile(*kc, p.Kubeconfig); err != nil {
		t.Fatal(err)
	}
	return p
}

// SetLatency delays everything clients send by d from now on, so each
// request takes d longer (0 turns it off).
func (p *Proxy) SetLatency(d time.Duration) { p.latency.Store(int64(d)) }

// Drop closes every connection and refuses new ones for d (the port is
// closed, as for a server that is restarting), then accepts again. It
// returns at once.
func (p *Proxy) Drop(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	_ = p.ln.Close()
	for c := range p.conns {
		_ = c.Close()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		time.Sleep(d)
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.closed {
			return
		}
		ln, err := net.Listen("tcp", p.Addr)
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e proxy: listen again on %s: %v\n", p.Addr, err)
			return
		}
		p.serveLocked(ln)
	}()
}

// Close stops the proxy and closes every connection.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	_ = p.ln.Close()
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.serveLocked(ln)
}

func (p *Proxy) serveLocked(ln net.Listener) {
	p.ln = ln
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.handle(c)
			}()
		}
	}()
}

// handle pipes one client connection to the API server and back.
func (p *Proxy) handle(client net.Conn) {
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		_ = client.Close()
		return
	}
	if !p.track(client, server) {
		return
	}
	defer p.untrack(client, server)
	done := make(chan struct{}, 2)
	go func() { p.delayed(server, client); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, server); done <- struct{}{} }()
	<-done
	_ = client.Close()
	_ = server.Close()
	<-done
}

func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *Proxy) untrack(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		delete(p.conns, c)
	}
}

// chunk is data read from a client and when it arrived.
type chunk struct {
	data []byte
	at   time.Time
}

// delayed copies src to dst, each chunk written the proxy's latency after
// it arrived, in order: a delay line, so latency does not cut throughput.
func (p *Proxy) delayed(dst io.Writer, src io.Reader) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	line := make(chan chunk, 1024)
	go func() {
		defer close(line)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				select {
				case line <- chunk{data: buf[:n], at: time.Now()}:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range line {
		if wait := time.Until(c.at.Add(time.Duration(p.latency.Load()))); wait > 0 {
			time.Sleep(wait)
		}
		if _, err := dst.Write(c.data); err != nil {
			return
		}
	}
}
