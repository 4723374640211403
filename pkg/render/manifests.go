package render

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/kpkg/kpkg/pkg/manifest"
)

// Manifest is one rendered document that is not a hook.
type Manifest struct {
	// Source is the template path shown in "# Source:" lines.
	Source  string
	Content string
	Head    Head
}

// Head is what kpkg reads of a document to order and classify it.
type Head struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind,omitempty"`
	Metadata   *struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata,omitempty"`
}

// Name is metadata.name, "" when absent.
func (h Head) Name() string {
	if h.Metadata == nil {
		return ""
	}
	return h.Metadata.Name
}

// Annotation returns metadata.annotations[key].
func (h Head) Annotation(key string) (string, bool) {
	if h.Metadata == nil {
		return "", false
	}
	v, ok := h.Metadata.Annotations[key]
	return v, ok
}

// Hook annotations.
const (
	HookAnnotation       = "helm.sh/hook"
	HookWeightAnnotation = "helm.sh/hook-weight"
	HookDeleteAnnotation = "helm.sh/hook-delete-policy"
	HookOutputLogAnnot   = "helm.sh/hook-output-log-policy"
)

// HookEvent is one value of helm.sh/hook.
type HookEvent string

// Hook events Helm knows.
const (
	HookPreInstall   HookEvent = "pre-install"
	HookPostInstall  HookEvent = "post-install"
	HookPreDelete    HookEvent = "pre-delete"
	HookPostDelete   HookEvent = "post-delete"
	HookPreUpgrade   HookEvent = "pre-upgrade"
	HookPostUpgrade  HookEvent = "post-upgrade"
	HookPreRollback  HookEvent = "pre-rollback"
	HookPostRollback HookEvent = "post-rollback"
	HookTest         HookEvent = "test"
)

var knownHookEvents = map[string]HookEvent{
	"pre-install": HookPreInstall, "post-install": HookPostInstall,
	"pre-delete": HookPreDelete, "post-delete": HookPostDelete,
	"pre-upgrade": HookPreUpgrade, "post-upgrade": HookPostUpgrade,
	"pre-rollback": HookPreRollback, "post-rollback": HookPostRollback,
	"test": HookTest, "test-success": HookTest,
}

// Hook is a rendered document annotated with helm.sh/hook.
type Hook struct {
	Name              string      `json:"name,omitempty"`
	Kind              string      `json:"kind,omitempty"`
	Path              string      `json:"path,omitempty"`
	Manifest          string      `json:"manifest,omitempty"`
	Events            []HookEvent `json:"events,omitempty"`
	Weight            int         `json:"weight,omitempty"`
	DeletePolicies    []string    `json:"delete_policies,omitempty"`
	OutputLogPolicies []string    `json:"output_log_policies,omitempty"`
}

// sortManifests orders the decoded documents of the rendered files into
// manifests and hooks, each sorted by kind with file order kept within a kind.
func sortManifests(docs map[string][]parsedDoc, warn func(string, ...any)) ([]Manifest, []*Hook, error) {
	paths := make([]string, 0, len(docs))
	for p := range docs {
		paths = append(paths, p)
	}
	sort.Strings(paths)

	var manifests []Manifest
	var hooks []*Hook
	for _, p := range paths {
		for _, d := range docs[p] {
			if d.err != nil {
				return nil, nil, fmt.Errorf("YAML parse error on %s: %w", p, d.err)
			}
			if h, isHook := classify(p, d.content, d.head, warn); isHook {
				if h != nil {
					hooks = append(hooks, h)
				}
				continue
			}
			manifests = append(manifests, Manifest{Source: p, Content: d.content, Head: d.head})
		}
	}
	sort.SliceStable(manifests, func(i, j int) bool { return manifest.KindLess(manifests[i].Head.Kind, manifests[j].Head.Kind) })
	sort.SliceStable(hooks, func(i, j int) bool { return manifest.KindLess(hooks[i].Kind, hooks[j].Kind) })
	return manifests, hooks, nil
}

// classify turns a hook document into a Hook. isHook is false for ordinary
// documents; a hook with an unknown event is dropped (nil Hook), as in Helm.
func classify(path, content string, head Head, warn func(string, ...any)) (h *Hook, isHook bool) {
	events, ok := head.Annotation(HookAnnotation)
	if !ok {
		return nil, false
	}
	h = &Hook{Name: head.Name(), Kind: head.Kind, Path: path, Manifest: content}
	h.Weight, _ = strconv.Atoi(head.Metadata.Annotations[HookWeightAnnotation])
	for _, ev := range strings.Split(events, ",") {
		e, ok := knownHookEvents[strings.ToLower(strings.TrimSpace(ev))]
		if !ok {
			if warn != nil {
				warn("info: skipping unknown hook: %q", events)
			}
			return nil, true
		}
		h.Events = append(h.Events, e)
	}
	h.DeletePolicies = annotationList(head, HookDeleteAnnotation)
	h.OutputLogPolicies = annotationList(head, HookOutputLogAnnot)
	return h, true
}

func annotationList(head Head, key string) []string {
	v, ok := head.Annotation(key)
	if !ok {
		return nil
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		out = append(out, strings.ToLower(strings.TrimSpace(p)))
	}
	return out
}
