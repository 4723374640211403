package lint

import (
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kpkg/kpkg/pkg/render"
)

// release is a Kubernetes minor release, "1.25".
type release struct{ major, minor int }

func (r release) String() string { return fmt.Sprintf("v%d.%d", r.major, r.minor) }

func (r release) set() bool { return r.major != 0 || r.minor != 0 }

// atLeast reports whether r is the same release as o or later.
func (r release) atLeast(o release) bool {
	return r.major > o.major || (r.major == o.major && r.minor >= o.minor)
}

func releaseOf(kv *render.KubeVersion) release {
	major, _ := strconv.Atoi(kv.Major)
	minor, _ := strconv.Atoi(kv.Minor)
	return release{major, minor}
}

// lifecycle says when an API version of a kind was introduced, deprecated
// and removed, and what replaces it.
type lifecycle struct {
	introduced, deprecated, removed release
	replacement                     schema.GroupVersionKind
}

// The methods k8s.io/api generates on every type for exactly this purpose
// (zz_generated.prerelease-lifecycle.go).
type (
	introducedIn interface{ APILifecycleIntroduced() (int, int) }
	deprecatedIn interface{ APILifecycleDeprecated() (int, int) }
	removedIn    interface{ APILifecycleRemoved() (int, int) }
	replacedBy   interface {
		APILifecycleReplacement() schema.GroupVersionKind
	}
)

// lifecycleOf reads the generated lifecycle methods of a typed object.
func lifecycleOf(obj any) lifecycle {
	var lc lifecycle
	if o, ok := obj.(introducedIn); ok {
		lc.introduced.major, lc.introduced.minor = o.APILifecycleIntroduced()
	}
	if o, ok := obj.(deprecatedIn); ok {
		lc.deprecated.major, lc.deprecated.minor = o.APILifecycleDeprecated()
	}
	if o, ok := obj.(removedIn); ok {
		lc.removed.major, lc.removed.minor = o.APILifecycleRemoved()
	}
	if o, ok := obj.(replacedBy); ok {
		lc.replacement = o.APILifecycleReplacement()
	}
	return lc
}

// goneAPIs are API versions that k8s.io/api no longer carries types for, so
// they have no lifecycle methods, yet charts still render them. The test
// checks that none of them is known to the scheme, so this table never
// shadows the generated data.
var goneAPIs = map[schema.GroupVersionKind]lifecycle{
	{Group: "autoscaling", Version: "v2beta1", Kind: "HorizontalPodAutoscaler"}: {
		deprecated: release{1, 22}, removed: release{1, 25},
		replacement: schema.GroupVersionKind{Group: "autoscaling", Version: "v2", Kind: "HorizontalPodAutoscaler"},
	},
	{Group: "autoscaling", Version: "v2beta2", Kind: "HorizontalPodAutoscaler"}: {
		deprecated: release{1, 23}, removed: release{1, 26},
		replacement: schema.GroupVersionKind{Group: "autoscaling", Version: "v2", Kind: "HorizontalPodAutoscaler"},
	},
	{Group: "policy", Version: "v1beta1", Kind: "PodSecurityPolicy"}: {
		deprecated: release{1, 21}, removed: release{1, 25},
	},
	{Group: "extensions", Version: "v1beta1", Kind: "PodSecurityPolicy"}: {
		deprecated: release{1, 11}, removed: release{1, 16},
	},
	{Group: "apiregistration.k8s.io", Version: "v1beta1", Kind: "APIService"}: {
		deprecated: release{1, 19}, removed: release{1, 22},
		replacement: schema.GroupVersionKind{Group: "apiregistration.k8s.io", Version: "v1", Kind: "APIService"},
	},
}

// availability judges gvk with lifecycle lc against the target release and
// returns the severity and message of a finding, or 0 when the API is fine.
func availability(gvk schema.GroupVersionKind, lc lifecycle, target release) (Severity, string) {
	api := gvkString(gvk)
	use := ""
	if !lc.replacement.Empty() {
		use = "; use " + gvkString(lc.replacement)
	}
	switch {
	case lc.removed.set() && target.atLeast(lc.removed):
		return Warning, fmt.Sprintf("%s was removed in Kubernetes %s and cannot be installed on %s%s", api, lc.removed, target, use)
	case lc.deprecated.set() && target.atLeast(lc.deprecated):
		until := ""
		if lc.removed.set() {
			until = fmt.Sprintf(" and will be removed in %s", lc.removed)
		}
		return Warning, fmt.Sprintf("%s is deprecated since Kubernetes %s%s%s", api, lc.deprecated, until, use)
	case lc.introduced.set() && !target.atLeast(lc.introduced):
		return Warning, fmt.Sprintf("%s is not served before Kubernetes %s (target %s)", api, lc.introduced, target)
	}
	return 0, ""
}

func gvkString(gvk schema.GroupVersionKind) string {
	return gvk.GroupVersion().String() + " " + gvk.Kind
}
