// Command etcd runs a single-member, throw-away etcd for the local test
// cluster. It owns nothing but the embedded server's lifetime: it is tuned
// for speed on tmpfs, not for durability.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	dataDir := flag.String("data-dir", "", "directory for etcd's data (tmpfs recommended)")
	clientURL := flag.String("listen-client-url", "http://127.0.0.1:2379", "URL clients connect to")
	peerURL := flag.String("listen-peer-url", "http://127.0.0.1:2380", "URL the (single) peer listens on")
	flag.Parse()
	if err := run(*dataDir, *clientURL, *peerURL); err != nil {
		log.Fatalf("etcd: %v", err)
	}
}

func run(dataDir, clientURL, peerURL string) error {
	if dataDir == "" {
		return fmt.Errorf("--data-dir is required")
	}
	client, err := url.Parse(clientURL)
	if err != nil {
		return fmt.Errorf("parse client URL %q: %w", clientURL, err)
	}
	peer, err := url.Parse(peerURL)
	if err != nil {
		return fmt.Errorf("parse peer URL %q: %w", peerURL, err)
	}

	cfg := embed.NewConfig()
	cfg.Name = "kpkg-test"
	cfg.Dir = dataDir
	cfg.ListenClientUrls = []url.URL{*client}
	cfg.AdvertiseClientUrls = []url.URL{*client}
	cfg.ListenPeerUrls = []url.URL{*peer}
	cfg.AdvertisePeerUrls = []url.URL{*peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	// The data is disposable, so fsync only costs time.
	cfg.UnsafeNoFsync = true
	// The default of 300ms fires on nearly every request on a busy 2-core
	// machine and drowns the log.
	cfg.WarningUnaryRequestDuration = 10 * time.Second
	cfg.LogLevel = "error"

	server, err := embed.StartEtcd(cfg)
	if err != nil {
		return fmt.Errorf("start embedded etcd: %w", err)
	}
	defer server.Close()

	select {
	case <-server.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		return fmt.Errorf("embedded etcd not ready after 60s")
	}
	log.Printf("etcd ready on %s", clientURL)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case sig := <-stop:
		log.Printf("etcd: %v received, stopping", sig)
		return nil
	case err := <-server.Err():
		return fmt.Errorf("embedded etcd failed: %w", err)
	}
}
