package manifest

// InstallOrder is the order in which Helm applies kinds; kinds not listed
// come after, alphabetically.
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

// KindLess orders kinds for installation: listed kinds by their rank, then
// unlisted kinds by name.
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
