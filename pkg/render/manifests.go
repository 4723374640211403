package render

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
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

// InstallOrder is the order in which kinds are applied; kinds not listed come
// after, alphabetically.
var InstallOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
	"PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret",
	"SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
	"PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
	"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role",
	"RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
	"ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass",
	"Ingress", "APIService",
}

// UninstallOrder is InstallOrder reversed.
var UninstallOrder = func() []string {
	out := make([]string, len(InstallOrder))
	for i, k := range InstallOrder {
		out[len(out)-1-i] = k
	}
	return out
}()

var installRank = func() map[string]int {
	m := make(map[string]int, len(InstallOrder))
	for i, k := range InstallOrder {
		m[k] = i
	}
	return m
}()

// KindLess orders kinds for installation.
func KindLess(a, b string) bool {
	ra, aok := installRank[a]
	rb, bok := installRank[b]
	switch {
	case !aok && !bok:
		return a < b
	case !aok:
		return false
	case !bok:
		return true
	}
	return ra < rb
}

var docSeparator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

// SplitDocuments splits a rendered file at "---" lines into trimmed,
// non-empty documents.
func SplitDocuments(s string) []string {
	var docs []string
	for _, d := range docSeparator.Split(strings.TrimSpace(s), -1) {
		if d == "" {
			continue
		}
		docs = append(docs, strings.TrimSpace(d))
	}
	return docs
}

// sortManifests splits rendered files into manifests and hooks, each sorted
// by kind with file order kept within a kind.
func sortManifests(files map[string]string, warn func(string, ...any)) ([]Manifest, []*Hook, error) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)

	var manifests []Manifest
	var hooks []*Hook
	for _, p := range paths {
		content := files[p]
		if strings.TrimSpace(content) == "" {
			continue
		}
		for _, doc := range SplitDocuments(content) {
			var head Head
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return nil, nil, fmt.Errorf("YAML parse error on %s: %w", p, err)
			}
			events, isHook := head.Annotation(HookAnnotation)
			if !isHook {
				manifests = append(manifests, Manifest{Source: p, Content: doc, Head: head})
				continue
			}
			h := &Hook{Name: head.Name(), Kind: head.Kind, Path: p, Manifest: doc}
			h.Weight, _ = strconv.Atoi(head.Metadata.Annotations[HookWeightAnnotation])
			unknown := false
			for _, ev := range strings.Split(events, ",") {
				e, ok := knownHookEvents[strings.ToLower(strings.TrimSpace(ev))]
				if !ok {
					unknown = true
					break
				}
				h.Events = append(h.Events, e)
			}
			if unknown {
				if warn != nil {
					warn("info: skipping unknown hook: %q", events)
				}
				continue
			}
			h.DeletePolicies = annotationList(head, HookDeleteAnnotation)
			h.OutputLogPolicies = annotationList(head, HookOutputLogAnnot)
			hooks = append(hooks, h)
		}
	}
	sort.SliceStable(manifests, func(i, j int) bool { return KindLess(manifests[i].Head.Kind, manifests[j].Head.Kind) })
	sort.SliceStable(hooks, func(i, j int) bool { return KindLess(hooks[i].Kind, hooks[j].Kind) })
	return manifests, hooks, nil
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
