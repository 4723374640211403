package lint

import (
	"strings"

	"k8s.io/apimachinery/pkg/api/validate/content"
	"k8s.io/apimachinery/pkg/api/validation"
)

// nameProblems returns why name is not a valid metadata.name for kind, using
// the rule the API server applies to that kind.
func nameProblems(kind, name string) []string {
	switch strings.ToLower(kind) {
	case "service":
		return validation.NameIsDNS1035Label(name, false)
	case "namespace":
		return validation.ValidateNamespaceName(name, false)
	case "certificatesigningrequest":
		// The API server accepts any name for these.
		return nil
	case "role", "clusterrole", "rolebinding", "clusterrolebinding":
		return content.IsPathSegmentName(name)
	}
	return validation.NameIsDNSSubdomain(name, false)
}
