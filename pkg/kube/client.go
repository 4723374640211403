package kube

import (
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// FieldManager is the server-side apply field manager kpkg uses. It is
// Helm's, so that Helm 4 (which applies server-side as "helm" without
// forcing) and kpkg own the same fields of a release's objects and neither
// conflicts with the other.
const FieldManager = "helm"

// Defaults of Options.
const (
	DefaultQPS   = 300
	DefaultBurst = 600
)

// ConfigError is a cluster configuration (kubeconfig, context, credentials)
// that could not be loaded.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return "load the cluster configuration: " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Options tune the connection New makes. The zero value is usable.
type Options struct {
	// QPS is the sustained rate of requests per second the client-side
	// rate limiter allows (Helm's --qps); 0 means DefaultQPS and a negative
	// value turns the limiter off. The API server protects itself with
	// priority and fairness, so the default is set high enough that the
	// limiter does not slow down applying a large release.
	QPS float32
	// Burst is how many requests may go out at once above QPS (Helm's
	// --burst-limit); 0 means DefaultBurst.
	Burst int
}

func (o Options) rates() (float32, int) {
	qps, burst := o.QPS, o.Burst
	if qps == 0 {
		qps = DefaultQPS
	}
	if burst <= 0 {
		burst = DefaultBurst
	}
	return qps, burst
}

// Client talks to one cluster. It is safe for concurrent use.
type Client struct {
	// Namespace is the default namespace for namespaced objects that do not
	// name one, when Build is given none.
	Namespace string

	host     string
	dynamic  dynamic.Interface
	core     kubernetes.Interface
	metadata metadata.Interface
	lock     kubernetes.Interface
	mapper   meta.RESTMapper
	stats    *counters
}

// Clients are the API clients a Client is made of; NewForClients accepts
// client-go's fakes, so the package can be tested without a cluster.
type Clients struct {
	// Dynamic reads and writes objects of any kind.
	Dynamic dynamic.Interface
	// Core is the typed clientset; its Discovery() serves the default
	// mapper, and it reads pods, events and logs when diagnosing.
	Core kubernetes.Interface
	// Metadata reads labels, annotations and managedFields cheaply.
	Metadata metadata.Interface
	// Lock holds release locks: a clientset with a rate limiter of its own,
	// so renewing a lock never queues behind a burst of other requests; nil
	// means Core.
	Lock kubernetes.Interface
	// Mapper maps kinds to resources; nil means a mapper over Core's
	// discovery, cached in memory and refreshed when a kind is missing.
	Mapper meta.RESTMapper
	// Host names the API server in messages; "" means "the cluster".
	Host string
	// Namespace is the Client's default namespace; "" means "default".
	Namespace string
}

// NewForClients makes a Client of ready clients.
func NewForClients(cs Clients) (*Client, error) {
	if cs.Dynamic == nil || cs.Core == nil || cs.Metadata == nil {
		return nil, errors.New("kube: NewForClients needs the dynamic, core and metadata clients")
	}
	c := &Client{Namespace: cs.Namespace, host: cs.Host, dynamic: cs.Dynamic, core: cs.Core, metadata: cs.Metadata,
		lock: cs.Lock, mapper: cs.Mapper, stats: &counters{}}
	if c.lock == nil {
		c.lock = cs.Core
	}
	if c.Namespace == "" {
		c.Namespace = "default"
	}
	if c.host == "" {
		c.host = "the cluster"
	}
	if c.mapper == nil {
		c.mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(cs.Core.Discovery()))
	}
	return c, nil
}

// New connects to the cluster that getter describes with default Options.
func New(getter genericclioptions.RESTClientGetter) (*Client, error) {
	return NewWithOptions(getter, Options{})
}

// NewWithOptions connects to the cluster that getter describes. Discovery
// is cached in memory for the life of the Client and refreshed when a
// mapping is missing or CRDs are installed.
func NewWithOptions(getter genericclioptions.RESTClientGetter, opts Options) (*Client, error) {
	cfg, err := getter.ToRESTConfig()
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = opts.rates()
	ns, _, err := getter.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return nil, fmt.Errorf("resolve the namespace from the kubeconfig: %w", err)
	}
	return NewForConfig(cfg, ns)
}

// NewForConfig connects with a ready REST config; namespace "" means
// "default". A config without a rate limit (QPS and Burst zero) gets the
// defaults of Options. Each client (dynamic, typed, metadata, discovery,
// and the lock's) has a rate limiter of its own, the time requests wait
// for them is counted (see Stats), and a request whose connection is
// refused by a server that answered before is sent again for up to
// ReconnectWindow.
func NewForConfig(cfg *rest.Config, namespace string) (*Client, error) {
	cfg = rest.CopyConfig(cfg)
	if cfg.QPS == 0 && cfg.Burst == 0 && cfg.RateLimiter == nil {
		cfg.QPS, cfg.Burst = Options{}.rates()
	}
	stats, reached := &counters{}, &atomic.Bool{}
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return &countingTransport{next: rt, stats: stats} })
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return &reconnectTransport{next: rt, reached: reached, window: ReconnectWindow}
	})
	dc, err := discovery.NewDiscoveryClientForConfig(withOwnLimiter(cfg, stats))
	if err != nil {
		return nil, fmt.Errorf("create a discovery client for %s: %w", cfg.Host, err)
	}
	cs := Clients{Host: cfg.Host, Namespace: namespace,
		Mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))}
	if cs.Dynamic, err = dynamic.NewForConfig(withOwnLimiter(cfg, stats)); err != nil {
		return nil, fmt.Errorf("create a dynamic client for %s: %w", cfg.Host, err)
	}
	if cs.Core, err = kubernetes.NewForConfig(withOwnLimiter(cfg, stats)); err != nil {
		return nil, fmt.Errorf("create a client for %s: %w", cfg.Host, err)
	}
	if cs.Metadata, err = metadata.NewForConfig(withOwnLimiter(cfg, stats)); err != nil {
		return nil, fmt.Errorf("create a metadata client for %s: %w", cfg.Host, err)
	}
	if cs.Lock, err = kubernetes.NewForConfig(withOwnLimiter(cfg, stats)); err != nil {
		return nil, fmt.Errorf("create a client for %s: %w", cfg.Host, err)
	}
	c, err := NewForClients(cs)
	if err != nil {
		return nil, err
	}
	c.stats = stats
	return c, nil
}

// Core is the typed clientset.
func (c *Client) Core() kubernetes.Interface { return c.core }

// Lock is the clientset for release locks, with a rate limiter of its
// own.
func (c *Client) Lock() kubernetes.Interface { return c.lock }

// Metadata is the metadata-only client, for cheap lists.
func (c *Client) Metadata() metadata.Interface { return c.metadata }

// Dynamic is the dynamic client.
func (c *Client) Dynamic() dynamic.Interface { return c.dynamic }

// Mapper is the REST mapper.
func (c *Client) Mapper() meta.RESTMapper { return c.mapper }

// ResetMapper forgets cached discovery, e.g. after CRDs were installed. A
// mapper that cannot be reset (a static one given to NewForClients) is
// left as it is.
func (c *Client) ResetMapper() {
	if r, ok := c.mapper.(meta.ResettableRESTMapper); ok {
		r.Reset()
	}
}

// Host is the API server's address, for messages.
func (c *Client) Host() string { return c.host }
