package kube

import (
	"context"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/metadata"
)

// getThreshold is the largest group of objects read with one GET each;
// larger groups are read with one LIST of their kind and namespace, which
// is never more requests. (A LIST returns every object of the kind in the
// namespace, so it does carry more bytes where a release is a small part of
// a busy namespace; metadata-only lists keep that small.)
const getThreshold = 1

// listPageSize bounds the objects one LIST response carries.
const listPageSize = 500

// resourceGroup is the objects of one resource in one namespace.
type resourceGroup struct {
	mapping   *meta.RESTMapping
	namespace string
	infos     []*resource.Info
}

// what names the group in messages: "Deployments in namespace shop".
func (g *resourceGroup) what() string {
	kind := g.mapping.GroupVersionKind.Kind
	if g.namespace == "" {
		return kind + " objects"
	}
	return fmt.Sprintf("%s objects in namespace %s", kind, g.namespace)
}

// groupByResource groups infos by resource and namespace, in the order
// the groups first appear.
func groupByResource(infos []*resource.Info) []*resourceGroup {
	var out []*resourceGroup
	index := map[string]*resourceGroup{}
	for _, info := range infos {
		k := info.Mapping.Resource.String() + "|" + info.Namespace
		g := index[k]
		if g == nil {
			g = &resourceGroup{mapping: info.Mapping, namespace: info.Namespace}
			index[k] = g
			out = append(out, g)
		}
		g.infos = append(g.infos, info)
	}
	return out
}

// liveSet is what was read of live objects: full objects, or their
// metadata (labels, annotations, managedFields, UID, resourceVersion).
type liveSet[T any] struct {
	mu sync.Mutex
	// objs holds the objects that exist, by Key.
	objs map[string]T
	// unknown holds the Keys of objects that could not be read.
	unknown map[string]bool
	// err is every failure to read, one per request.
	err error
}

type liveMeta = liveSet[*metav1.PartialObjectMetadata]

func (l *liveSet[T]) put(info *resource.Info, obj T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.objs[Key(info)] = obj
}

func (l *liveSet[T]) markUnknown(infos ...*resource.Info) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, info := range infos {
		l.unknown[Key(info)] = true
	}
}

// get returns the object; the zero T when it does not exist.
func (l *liveSet[T]) get(info *resource.Info) T {
	return l.objs[Key(info)]
}

// reader reads objects of one representation.
type reader[T any] struct {
	get  func(ctx context.Context, info *resource.Info) (T, error)
	list func(ctx context.Context, g *resourceGroup, opts metav1.ListOptions) (items []T, names []string, cont string, err error)
}

// readMetadata reads the metadata of infos.
func (c *Client) readMetadata(ctx context.Context, infos []*resource.Info) *liveMeta {
	return readLive(ctx, infos, reader[*metav1.PartialObjectMetadata]{
		get: func(ctx context.Context, info *resource.Info) (*metav1.PartialObjectMetadata, error) {
			return c.metadataFor(info.Mapping, info.Namespace).Get(ctx, info.Name, metav1.GetOptions{})
		},
		list: func(ctx context.Context, g *resourceGroup, opts metav1.ListOptions) ([]*metav1.PartialObjectMetadata, []string, string, error) {
			list, err := c.metadataFor(g.mapping, g.namespace).List(ctx, opts)
			if err != nil {
				return nil, nil, "", err
			}
			items, names := make([]*metav1.PartialObjectMetadata, len(list.Items)), make([]string, len(list.Items))
			for i := range list.Items {
				items[i], names[i] = &list.Items[i], list.Items[i].Name
			}
			return items, names, list.Continue, nil
		},
	})
}

// readObjects reads infos in full.
func (c *Client) readObjects(ctx context.Context, infos []*resource.Info) *liveSet[*unstructured.Unstructured] {
	return readLive(ctx, infos, reader[*unstructured.Unstructured]{
		get: func(ctx context.Context, info *resource.Info) (*unstructured.Unstructured, error) {
			return c.resourceFor(info).Get(ctx, info.Name, metav1.GetOptions{})
		},
		list: func(ctx context.Context, g *resourceGroup, opts metav1.ListOptions) ([]*unstructured.Unstructured, []string, string, error) {
			list, err := c.resourceOf(g.mapping, g.namespace).List(ctx, opts)
			if err != nil {
				return nil, nil, "", err
			}
			items, names := make([]*unstructured.Unstructured, len(list.Items)), make([]string, len(list.Items))
			for i := range list.Items {
				items[i], names[i] = &list.Items[i], list.Items[i].GetName()
			}
			return items, names, list.GetContinue(), nil
		},
	})
}

// readLive reads infos with as few requests as their groups allow: a GET
// for an object alone of its kind in its namespace, a LIST per larger
// group.
func readLive[T any](ctx context.Context, infos []*resource.Info, r reader[T]) *liveSet[T] {
	l := &liveSet[T]{objs: map[string]T{}, unknown: map[string]bool{}}
	type task struct {
		group *resourceGroup
		info  *resource.Info // nil: LIST the group
	}
	var tasks []task
	for _, g := range groupByResource(infos) {
		if len(g.infos) > getThreshold {
			tasks = append(tasks, task{group: g})
			continue
		}
		for _, info := range g.infos {
			tasks = append(tasks, task{group: g, info: info})
		}
	}
	l.err = forEach(ctx, len(tasks), 0, false, "stopped reading objects", func(ctx context.Context, i int) error {
		if t := tasks[i]; t.info != nil {
			return l.getOne(ctx, r, t.info)
		}
		return l.listGroup(ctx, r, tasks[i].group)
	})
	return l
}

func (l *liveSet[T]) getOne(ctx context.Context, r reader[T], info *resource.Info) error {
	var obj T
	err := RetryTransient(ctx, func() (err error) {
		obj, err = r.get(ctx, info)
		return err
	})
	switch {
	case apierrors.IsNotFound(err):
		return nil
	case err != nil:
		l.markUnknown(info)
		return fmt.Errorf("read %s: %w", Describe(info), err)
	}
	l.put(info, obj)
	return nil
}

// listGroup lists the group's kind and namespace. Where the caller may
// read objects but not list them, it falls back to reading each.
func (l *liveSet[T]) listGroup(ctx context.Context, r reader[T], g *resourceGroup) error {
	byName := map[string]*resource.Info{}
	for _, info := range g.infos {
		byName[info.Name] = info
	}
	opts := metav1.ListOptions{Limit: listPageSize}
	for {
		var items []T
		var names []string
		var cont string
		err := RetryTransient(ctx, func() (err error) {
			items, names, cont, err = r.list(ctx, g, opts)
			return err
		})
		if apierrors.IsForbidden(err) || apierrors.IsMethodNotSupported(err) {
			return forEach(ctx, len(g.infos), 0, false, "stopped reading objects", func(ctx context.Context, i int) error {
				return l.getOne(ctx, r, g.infos[i])
			})
		}
		if apierrors.IsNotFound(err) {
			return nil // the resource itself is gone: none of its objects exist
		}
		if err != nil {
			l.markUnknown(g.infos...)
			return fmt.Errorf("list %s: %w", g.what(), err)
		}
		for i, name := range names {
			if info := byName[name]; info != nil {
				l.put(info, items[i])
			}
		}
		if opts.Continue = cont; cont == "" {
			return nil
		}
	}
}

// metadataFor is the metadata client of a resource in a namespace.
func (c *Client) metadataFor(m *meta.RESTMapping, namespace string) metadata.ResourceInterface {
	r := c.metadata.Resource(m.Resource)
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		return r.Namespace(namespace)
	}
	return r
}
