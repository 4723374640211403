// Command kpkg-test-registry runs the CNCF Distribution registry in memory on
// a loopback address, for kpkg's tests of OCI push and pull. It is a module
// of its own so that the registry's dependencies stay out of kpkg's.
//
//	kpkg-test-registry -addr 127.0.0.1:5000 [-htpasswd FILE] [-tls-cert F -tls-key F]
//
// It serves until killed; tests start it and poll the address.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry"
	_ "github.com/distribution/distribution/v3/registry/auth/htpasswd"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory"
	"github.com/sirupsen/logrus"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	htpasswd := flag.String("htpasswd", "", "htpasswd file (bcrypt) enabling basic auth")
	cert := flag.String("tls-cert", "", "TLS certificate (PEM)")
	key := flag.String("tls-key", "", "TLS key (PEM)")
	flag.Parse()
	if err := run(*addr, *htpasswd, *cert, *key); err != nil {
		fmt.Fprintln(os.Stderr, "kpkg-test-registry:", err)
		os.Exit(1)
	}
}

func run(addr, htpasswd, cert, key string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to listen on %s: loopback addresses only", addr)
	}
	cfg := &configuration.Configuration{}
	cfg.HTTP.Addr = addr
	cfg.HTTP.DrainTimeout = time.Second
	cfg.HTTP.TLS.Certificate = cert
	cfg.HTTP.TLS.Key = key
	cfg.Storage = configuration.Storage{"inmemory": configuration.Parameters{}}
	cfg.Log.Level = "error"
	cfg.Log.AccessLog.Disabled = true
	if htpasswd != "" {
		cfg.Auth = configuration.Auth{"htpasswd": configuration.Parameters{"realm": "kpkg-test", "path": htpasswd}}
	}
	logrus.SetOutput(io.Discard)
	reg, err := registry.NewRegistry(context.Background(), cfg)
	if err != nil {
		return err
	}
	return reg.ListenAndServe()
}
