package manifest

import "strings"

// ID identifies an object across revisions whatever its API version: the
// same Deployment rendered as apps/v1 and later as apps/v2 is one object.
type ID struct {
	Group     string
	Kind      string
	Namespace string
	Name      string
}

// NewID is the identity of an object of apiVersion and kind.
func NewID(apiVersion, kind, namespace, name string) ID {
	return ID{Group: Group(apiVersion), Kind: kind, Namespace: namespace, Name: name}
}

// String is "group/kind/namespace/name", usable as a map key.
func (id ID) String() string {
	return id.Group + "/" + id.Kind + "/" + id.Namespace + "/" + id.Name
}

// Group is the API group of an apiVersion: "" for the core "v1".
func Group(apiVersion string) string {
	if i := strings.LastIndex(apiVersion, "/"); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}
