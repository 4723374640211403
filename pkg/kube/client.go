package kube

import (
	"fmt"

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

// FieldManager is the server-side apply field manager kpkg uses.
const FieldManager = "kpkg"

// ConfigError is a cluster configuration (kubeconfig, context, credentials)
// that could not be loaded.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return "load the cluster configuration: " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Client talks to one cluster. It is safe for concurrent use.
type Client struct {
	// Namespace is the default namespace for namespaced objects that do not
	// name one.
	Namespace string

	getter   *clientGetter
	config   *rest.Config
	dynamic  dynamic.Interface
	core     kubernetes.Interface
	metadata metadata.Interface
	mapper   *restmapper.DeferredDiscoveryRESTMapper
}

// New connects to the cluster that getter describes. Discovery is cached in
// memory for the life of the Client and refreshed when a mapping is missing
// or CRDs are installed.
func New(getter genericclioptions.RESTClientGetter) (*Client, error) {
	cfg, err := getter.ToRESTConfig()
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	cfg = rest.CopyConfig(cfg)
	// Applying a chart is bursty; client-go's default of 5 QPS would
	// serialise it behind the client-side rate limiter.
	cfg.QPS, cfg.Burst = 50, 100
	ns, _, err := getter.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return nil, fmt.Errorf("resolve the namespace from the kubeconfig: %w", err)
	}
	return NewForConfig(cfg, ns)
}

// NewForConfig connects with a ready REST config; namespace "" means "default".
func NewForConfig(cfg *rest.Config, namespace string) (*Client, error) {
	if namespace == "" {
		namespace = "default"
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("create a discovery client for %s: %w", cfg.Host, err)
	}
	cached := memory.NewMemCacheClient(dc)
	c := &Client{Namespace: namespace, config: cfg, mapper: restmapper.NewDeferredDiscoveryRESTMapper(cached)}
	if c.dynamic, err = dynamic.NewForConfig(cfg); err != nil {
		return nil, fmt.Errorf("create a dynamic client for %s: %w", cfg.Host, err)
	}
	if c.core, err = kubernetes.NewForConfig(cfg); err != nil {
		return nil, fmt.Errorf("create a client for %s: %w", cfg.Host, err)
	}
	if c.metadata, err = metadata.NewForConfig(cfg); err != nil {
		return nil, fmt.Errorf("create a metadata client for %s: %w", cfg.Host, err)
	}
	c.getter = &clientGetter{config: cfg, discovery: cached, mapper: c.mapper}
	return c, nil
}

// Core is the typed clientset.
func (c *Client) Core() kubernetes.Interface { return c.core }

// Metadata is the metadata-only client, for cheap lists.
func (c *Client) Metadata() metadata.Interface { return c.metadata }

// Dynamic is the dynamic client.
func (c *Client) Dynamic() dynamic.Interface { return c.dynamic }

// Mapper is the discovery-backed REST mapper.
func (c *Client) Mapper() meta.RESTMapper { return c.mapper }

// ResetMapper forgets cached discovery, e.g. after CRDs were installed.
func (c *Client) ResetMapper() { c.mapper.Reset() }

// Host is the API server's address, for messages.
func (c *Client) Host() string { return c.config.Host }

// clientGetter hands cli-runtime's builder this Client's config, cached
// discovery and mapper, so every build shares one discovery cache.
type clientGetter struct {
	config    *rest.Config
	discovery discovery.CachedDiscoveryInterface
	mapper    meta.RESTMapper
}

func (g *clientGetter) ToRESTConfig() (*rest.Config, error) { return rest.CopyConfig(g.config), nil }
func (g *clientGetter) ToDiscoveryClient() (discovery.CachedDiscoveryInterface, error) {
	return g.discovery, nil
}
func (g *clientGetter) ToRESTMapper() (meta.RESTMapper, error) { return g.mapper, nil }
