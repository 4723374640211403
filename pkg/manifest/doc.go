// Package manifest owns Kubernetes manifests as data, the pieces that the
// renderer, the cluster client, the release store and the diff all need
// without importing one another: splitting a YAML stream into documents at
// the separators Helm recognises, Helm's kind order for installing and
// uninstalling, and the identity of an object across revisions.
//
// It imports nothing of kpkg's and nothing of client-go: it works on strings.
package manifest
