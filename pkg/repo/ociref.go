package repo

import (
	"fmt"
	"strings"

	"oras.land/oras-go/v2/registry"
)

// OCIScheme prefixes chart references that live in an OCI registry.
const OCIScheme = "oci://"

// IsOCI reports whether ref is an oci:// reference.
func IsOCI(ref string) bool { return strings.HasPrefix(ref, OCIScheme) }

// ociRef is a parsed "oci://host/path/chart[:tag][@digest]".
type ociRef struct {
	registry.Reference
	tag    string
	digest string
}

func parseOCIRef(ref string) (ociRef, error) {
	raw := strings.TrimPrefix(ref, OCIScheme)
	var out ociRef
	if at := strings.LastIndex(raw, "@"); at >= 0 {
		out.digest = raw[at+1:]
		raw = raw[:at]
	}
	if colon := strings.LastIndex(raw, ":"); colon > strings.LastIndex(raw, "/") {
		out.tag = raw[colon+1:]
		raw = raw[:colon]
	}
	parsed, err := registry.ParseReference(raw)
	if err != nil {
		return out, fmt.Errorf("%s is not a valid OCI reference: %w", ref, err)
	}
	out.Reference = parsed
	if out.digest != "" {
		check := parsed
		check.Reference = out.digest
		if err := check.ValidateReferenceAsDigest(); err != nil {
			return out, fmt.Errorf("%s: digest %q is not valid: %w", ref, out.digest, err)
		}
	}
	return out, nil
}

// repoString is "host/path/chart" without tag or digest.
func (r ociRef) repoString() string { return r.Registry + "/" + r.Repository }

// chartName is the last path element, which Helm requires to be the chart's
// name.
func (r ociRef) chartName() string {
	return r.Repository[strings.LastIndex(r.Repository, "/")+1:]
}

// tagFor turns a chart version into a tag: OCI tags cannot hold "+", so
// Helm writes "_" in its place.
func tagFor(version string) string { return strings.ReplaceAll(version, "+", "_") }

// versionFor reverses tagFor.
func versionFor(tag string) string { return strings.ReplaceAll(tag, "_", "+") }
