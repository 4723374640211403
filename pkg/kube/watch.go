package kube

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/cli-runtime/pkg/resource"

	"github.com/kpkg/kpkg/pkg/internal/ctxsleep"
)

// source lists and then watches one resource in one namespace, so waits
// learn of changes as they happen instead of reading every object again
// and again. A watch that ends (the API server closes watches after a few
// minutes, or restarts) is resumed from the last resourceVersion seen, and
// the objects are listed afresh when that version is too old.
type source struct {
	// what names the watched objects in errors.
	what  string
	opts  metav1.ListOptions
	list  func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error)
	watch func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
}

// change is what a source observed: the complete set of objects after a
// (re)list, one watch event, or a failure to list that will be retried.
type change struct {
	src      int
	relisted bool
	objs     []runtime.Object
	event    watch.EventType
	obj      runtime.Object
	// err is a failure to list; with fatal the source has given up.
	err   error
	fatal bool
}

// Retry delays after a failed list or watch, doubling up to the maximum.
const (
	retryMin = 250 * time.Millisecond
	retryMax = 5 * time.Second
)

type backoff struct{ next time.Duration }

// wait sleeps for the next delay; false when ctx ended first.
func (b *backoff) wait(ctx context.Context) bool {
	d := max(b.next, retryMin)
	b.next = min(2*d, retryMax)
	return ctxsleep.Sleep(ctx, d) == nil
}

func (b *backoff) reset() { b.next = 0 }

// fatalWatchError is a failure retrying will not cure.
func fatalWatchError(err error) bool {
	return apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) || apierrors.IsBadRequest(err) ||
		apierrors.IsInvalid(err) || apierrors.IsMethodNotSupported(err)
}

// run feeds emit until ctx ends (nil) or a fatal failure (returned).
func (s *source) run(ctx context.Context, emit func(change)) error {
	var bo backoff
	for ctx.Err() == nil {
		rv, err := s.relist(ctx, emit)
		switch {
		case ctx.Err() != nil:
			return nil
		case fatalWatchError(err):
			return fmt.Errorf("list %s: %w", s.what, err)
		case apierrors.IsNotFound(err):
			// The resource is not served (a CRD was removed): none of its
			// objects exist, and it may come back.
			emit(change{relisted: true})
			bo.wait(ctx)
			continue
		case err != nil:
			emit(change{err: fmt.Errorf("list %s: %w", s.what, err)})
			bo.wait(ctx)
			continue
		}
		started := time.Now()
		if err := s.follow(ctx, rv, emit); err != nil {
			return err
		}
		// A watch that fails at once after every list must not spin.
		if time.Since(started) < time.Second {
			bo.wait(ctx)
		} else {
			bo.reset()
		}
	}
	return nil
}

// relist lists every page and emits the objects; it returns the list's
// resourceVersion to watch from.
func (s *source) relist(ctx context.Context, emit func(change)) (string, error) {
	opts := s.opts
	opts.Limit = listPageSize
	var objs []runtime.Object
	var rv string
	for {
		list, err := s.list(ctx, opts)
		if err != nil {
			return "", err
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return "", err
		}
		objs = append(objs, items...)
		lm, err := meta.ListAccessor(list)
		if err != nil {
			return "", err
		}
		rv = lm.GetResourceVersion()
		if opts.Continue = lm.GetContinue(); opts.Continue == "" {
			break
		}
	}
	emit(change{relisted: true, objs: objs})
	return rv, nil
}

// follow watches from rv until ctx ends (nil), the source must list again
// (nil), or a fatal failure (returned).
func (s *source) follow(ctx context.Context, rv string, emit func(change)) error {
	var bo backoff
	for ctx.Err() == nil {
		opts := s.opts
		opts.ResourceVersion, opts.AllowWatchBookmarks = rv, true
		w, err := s.watch(ctx, opts)
		switch {
		case ctx.Err() != nil:
			return nil
		case apierrors.IsResourceExpired(err) || apierrors.IsGone(err):
			return nil
		case fatalWatchError(err):
			return fmt.Errorf("watch %s: %w", s.what, err)
		case err != nil:
			// The API server is unreachable or restarting: try again.
			bo.wait(ctx)
			continue
		}
		var n int
		var relist bool
		rv, n, relist = drain(ctx, w, rv, emit)
		w.Stop()
		if relist {
			return nil
		}
		if n == 0 {
			bo.wait(ctx)
		} else {
			bo.reset()
		}
	}
	return nil
}

// drain emits a watch's events until it ends. It returns the last
// resourceVersion seen, the number of events, and whether the source must
// list again: an error event (the version is too old, or the server failed
// the watch) leaves no position to resume from that is known to be good.
func drain(ctx context.Context, w watch.Interface, rv string, emit func(change)) (string, int, bool) {
	n := 0
	for {
		select {
		case <-ctx.Done():
			return rv, n, false
		case ev, ok := <-w.ResultChan():
			if !ok {
				return rv, n, false
			}
			n++
			if ev.Type == watch.Error {
				return rv, n, true
			}
			if m, err := meta.Accessor(ev.Object); err == nil && m.GetResourceVersion() != "" {
				rv = m.GetResourceVersion()
			}
			if ev.Type != watch.Bookmark {
				emit(change{event: ev.Type, obj: ev.Object})
			}
		}
	}
}

// observe runs sources until stop is called. Changes arrive on the
// returned channel, each stamped with its source's index; a source that
// gives up sends a fatal change and ends.
func observe(ctx context.Context, sources []*source) (<-chan change, func()) {
	ctx, cancel := context.WithCancel(ctx)
	ch := make(chan change)
	var wg sync.WaitGroup
	for i, s := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			emit := func(c change) {
				c.src = i
				select {
				case ch <- c:
				case <-ctx.Done():
				}
			}
			if err := s.run(ctx, emit); err != nil {
				emit(change{err: err, fatal: true})
			}
		}()
	}
	return ch, func() { cancel(); wg.Wait() }
}

// watchUntil follows infos through the sources src makes for their groups
// until done holds for each (given the live object, nil when absent), or
// ctx ends. It returns the objects for which done never held.
func (c *Client) watchUntil(ctx context.Context, infos []*resource.Info, src func(*resourceGroup) *source, done func(runtime.Object) bool) ([]*resource.Info, error) {
	groups := groupByResource(infos)
	pending := map[string]*resource.Info{}
	sources := make([]*source, len(groups))
	for i, g := range groups {
		sources[i] = src(g)
		for _, info := range g.infos {
			pending[Key(info)] = info
		}
	}
	if len(pending) == 0 {
		return nil, nil
	}
	changes, stop := observe(ctx, sources)
	defer stop()
	for len(pending) > 0 {
		select {
		case <-ctx.Done():
			return sortedInfos(pending), ctx.Err()
		case ch := <-changes:
			if ch.fatal {
				return sortedInfos(pending), ch.err
			}
			settle(groups[ch.src], ch, pending, done)
		}
	}
	return nil, nil
}

// settle drops from pending the objects of g for which done holds after
// ch. A failure to list is left to the source, which retries.
func settle(g *resourceGroup, ch change, pending map[string]*resource.Info, done func(runtime.Object) bool) {
	_ = eachObserved(g, ch, func(info *resource.Info, live runtime.Object) error {
		if done(live) {
			delete(pending, Key(info))
		}
		return nil
	})
}

// eachObserved calls fn, until it fails, for each object of g that ch
// tells of, with the object's state after ch: nil when it is absent. A
// relist tells of every object, an event of the one it names, a failure
// to list of none.
func eachObserved(g *resourceGroup, ch change, fn func(info *resource.Info, live runtime.Object) error) error {
	switch {
	case ch.err != nil:
		return nil
	case ch.relisted:
		byName := namesOf(ch.objs)
		for _, info := range g.infos {
			if err := fn(info, byName[info.Name]); err != nil {
				return err
			}
		}
		return nil
	}
	var live runtime.Object
	if ch.event != watch.Deleted {
		live = ch.obj
	}
	name := nameOf(ch.obj)
	for _, info := range g.infos {
		if info.Name == name {
			if err := fn(info, live); err != nil {
				return err
			}
		}
	}
	return nil
}

// sortedInfos lists a set of objects by Key.
func sortedInfos(set map[string]*resource.Info) []*resource.Info {
	out := make([]*resource.Info, 0, len(set))
	for _, info := range set {
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return Key(out[i]) < Key(out[j]) })
	return out
}

// narrow selects one object by name when a group has only one, so a
// watch on a busy namespace carries only what is waited for.
func narrow(g *resourceGroup) metav1.ListOptions {
	if len(g.infos) == 1 {
		return metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", g.infos[0].Name).String()}
	}
	return metav1.ListOptions{}
}

// newSource follows what one client's List and Watch serve, whatever
// list type they return.
func newSource[L runtime.Object](what string, opts metav1.ListOptions,
	list func(context.Context, metav1.ListOptions) (L, error),
	watch func(context.Context, metav1.ListOptions) (watch.Interface, error)) *source {
	return &source{what: what, opts: opts, watch: watch,
		list: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) { return list(ctx, o) }}
}

// objectSource follows the full objects of a group.
func (c *Client) objectSource(g *resourceGroup) *source {
	ri := c.resourceOf(g.mapping, g.namespace)
	return newSource(g.what(), narrow(g), ri.List, ri.Watch)
}

// metadataSource follows the metadata of a group, enough to see objects
// come and go.
func (c *Client) metadataSource(g *resourceGroup) *source {
	ri := c.metadataFor(g.mapping, g.namespace)
	return newSource(g.what(), narrow(g), ri.List, ri.Watch)
}

// podSource follows the pods of a namespace that selector matches.
func (c *Client) podSource(namespace, selector string) *source {
	pods := c.core.CoreV1().Pods(namespace)
	return newSource("pods in namespace "+namespace, metav1.ListOptions{LabelSelector: selector}, pods.List, pods.Watch)
}
