package release

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/resource"

	"github.com/kpkg/kpkg/pkg/kube"
	"github.com/kpkg/kpkg/pkg/release/record"
	"github.com/kpkg/kpkg/pkg/render"
)

// Hook delete policies.
const (
	HookBeforeCreation = "before-hook-creation"
	HookSucceeded      = "hook-succeeded"
	HookFailed         = "hook-failed"
)

// HookError is a hook that failed; the operation fails with it.
type HookError struct {
	Event render.HookEvent
	Hook  string
	Err   error
}

func (e *HookError) Error() string {
	return fmt.Sprintf("%s hook %s failed: %v", e.Event, e.Hook, e.Err)
}

func (e *HookError) Unwrap() error { return e.Err }

// hooksFor returns the hooks of rel that run on event, by weight then name.
func hooksFor(rel *Release, event render.HookEvent) []*Hook {
	var out []*Hook
	for _, h := range rel.Hooks {
		if slices.Contains(h.Events, string(event)) {
			out = append(out, h)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight < out[j].Weight
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// runHooks executes rel's hooks for event in order. Jobs and Pods are
// waited on until they complete (each within timeout); any failure stops
// the sequence.
func (c *Config) runHooks(ctx context.Context, rel *Release, event render.HookEvent, timeout time.Duration) error {
	return c.runHookList(ctx, rel, event, hooksFor(rel, event), timeout)
}

func (c *Config) runHookList(ctx context.Context, rel *Release, event render.HookEvent, hooks []*Hook, timeout time.Duration) error {
	for _, h := range hooks {
		if err := c.runHook(ctx, rel, h, timeout); err != nil {
			return &HookError{Event: event, Hook: h.Name, Err: err}
		}
	}
	return nil
}

func (c *Config) runHook(ctx context.Context, rel *Release, h *Hook, timeout time.Duration) error {
	infos, err := c.Kube.Build(ctx, rel.Namespace, h.Manifest)
	if err != nil {
		return err
	}
	policies := h.DeletePolicies
	if len(policies) == 0 {
		policies = []string{HookBeforeCreation}
	}
	owner := kube.Owner{Name: rel.Name, Namespace: rel.Namespace}
	if slices.Contains(policies, HookBeforeCreation) {
		if err := c.deleteAndWait(ctx, infos, owner, timeout); err != nil {
			return err
		}
	}
	c.logf("running %s hook %s", h.Kind, h.Name)
	h.LastRun = HookExecution{StartedAt: now(), Phase: record.HookPhaseRunning}
	err = c.Kube.Apply(ctx, infos, kube.ApplyOptions{Owner: owner})
	if err == nil && (h.Kind == "Job" || h.Kind == "Pod") {
		err = c.Kube.Wait(ctx, infos, kube.WaitOptions{Timeout: timeout, Complete: true, OnEvent: c.OnEvent})
	}
	h.LastRun.CompletedAt = now()
	if err != nil {
		h.LastRun.Phase = record.HookPhaseFailed
		if slices.Contains(policies, HookFailed) {
			_ = c.Kube.Delete(context.WithoutCancel(ctx), infos, owner)
		}
		return err
	}
	h.LastRun.Phase = record.HookPhaseSucceeded
	if slices.Contains(policies, HookSucceeded) {
		return c.Kube.Delete(ctx, infos, owner)
	}
	return nil
}

// deleteAndWait deletes a hook's earlier objects and waits until they are
// gone. Helm stamps no ownership on hook objects, so one that carries no
// release's ownership is this release's hook from Helm and is deleted too;
// one another release owns is left alone (applying the hook then fails
// naming that release).
func (c *Config) deleteAndWait(ctx context.Context, infos []*resource.Info, owner kube.Owner, timeout time.Duration) error {
	lookup := c.Kube.Lookup(ctx)
	var doomed []*resource.Info
	for _, info := range infos {
		gvk := info.Object.GetObjectKind().GroupVersionKind()
		live, err := lookup(gvk.GroupVersion().String(), gvk.Kind, info.Namespace, info.Name)
		if err != nil {
			return err
		}
		if len(live) == 0 {
			continue
		}
		if cur := kube.OwnerOf(&unstructured.Unstructured{Object: live}); cur.Name == "" || cur == owner {
			doomed = append(doomed, info)
		}
	}
	if len(doomed) == 0 {
		return nil
	}
	if err := c.Kube.Delete(ctx, doomed, kube.Owner{}); err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return c.Kube.WaitDeleted(wctx, doomed)
}
