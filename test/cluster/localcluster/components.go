package localcluster

import (
	"fmt"
	"path/filepath"
	"strconv"
)

// Cluster-wide addressing. Nothing routes these: there is no kube-proxy
// and no container network, and the fake Node's address is loopback so
// the API server's calls to "the kubelet" (logs, exec) stay on this host.
const (
	serviceCIDR = "10.96.0.0/16"
	// podCIDR is where kwok draws pod IPs from. Endpoint validation
	// rejects loopback addresses, so pod IPs cannot be 127.x; nothing may
	// dial them (no service or pod proxy in tests).
	podCIDR        = "10.244.0.0/16"
	fakeNodeIP     = "127.0.0.1"
	fakeNodeName   = "kpkg-worker"
	saIssuer       = "https://kubernetes.default.svc.cluster.local"
	clusterName    = "kpkg-test"
	kubeconfigName = "kubeconfig"
)

// layout names the files and directories inside a run directory.
type layout struct {
	root string
}

func (l layout) path(elem ...string) string {
	return filepath.Join(append([]string{l.root}, elem...)...)
}
func (l layout) kubeconfig() string { return l.path(kubeconfigName) }
func (l layout) pidsFile() string   { return l.path("pids.json") }
func (l layout) logFile(name string) string {
	return l.path("logs", name+".log")
}

// componentSpecs returns, in start order, how to run every component.
//
// The controller manager and scheduler get no authentication or
// authorization kubeconfig: with one they keep failing to load a
// request-header CA this API server does not have, and all that is asked
// of their own endpoints is /healthz, which is always allowed.
func componentSpecs(bins Binaries, l layout, p ports, certs pki, env []string, detach bool) []procSpec {
	kubeconfig := l.kubeconfig()
	url := func(port int) string { return "http://127.0.0.1:" + strconv.Itoa(port) }
	spec := func(name string, args ...string) procSpec {
		return procSpec{name: name, path: bins.Path(name), args: args, env: env, log: l.logFile(name), detach: detach}
	}
	return []procSpec{
		spec(BinEtcd,
			"--data-dir="+l.path("etcd"),
			"--listen-client-url="+url(p.EtcdClient),
			"--listen-peer-url="+url(p.EtcdPeer),
		),
		spec(BinKubeAPIServer,
			"--etcd-servers="+url(p.EtcdClient),
			"--bind-address=127.0.0.1",
			"--advertise-address=127.0.0.1",
			// The default reconciler keeps trying to publish the loopback
			// advertise address as the kubernetes Service endpoint, which
			// validation refuses, and logs that every 10s.
			"--endpoint-reconciler-type=none",
			"--secure-port="+strconv.Itoa(p.APIServer),
			"--cert-dir="+l.path("apiserver"),
			"--tls-cert-file="+certs.ServingCert,
			"--tls-private-key-file="+certs.ServeKey,
			"--client-ca-file="+certs.CACert,
			"--authorization-mode=RBAC",
			"--service-account-issuer="+saIssuer,
			"--service-account-key-file="+certs.ServiceAccountPub,
			"--service-account-signing-key-file="+certs.ServiceAccountKey,
			"--service-cluster-ip-range="+serviceCIDR,
			"--allow-privileged=true",
			"--profiling=false",
		),
		spec(BinKubeControllerManager,
			"--kubeconfig="+kubeconfig,
			"--bind-address=127.0.0.1",
			"--secure-port="+strconv.Itoa(p.ControllerManager),
			"--cert-dir="+l.path("controller-manager"),
			// The default is under /usr/libexec, outside the run directory.
			"--flex-volume-plugin-dir="+l.path("flexvolume"),
			"--leader-elect=false",
			"--kube-api-qps=200",
			"--kube-api-burst=400",
			"--concurrent-deployment-syncs=20",
			"--concurrent-replicaset-syncs=20",
			"--concurrent-service-endpoint-syncs=20",
			"--cluster-name="+clusterName,
			"--service-account-private-key-file="+certs.ServiceAccountKey,
			"--root-ca-file="+certs.CACert,
			"--cluster-signing-cert-file="+certs.CACert,
			"--cluster-signing-key-file="+certs.CAKey,
			"--profiling=false",
		),
		spec(BinKubeScheduler,
			"--kubeconfig="+kubeconfig,
			"--bind-address=127.0.0.1",
			"--secure-port="+strconv.Itoa(p.Scheduler),
			"--cert-dir="+l.path("scheduler"),
			"--leader-elect=false",
			"--kube-api-qps=200",
			"--kube-api-burst=400",
			"--profiling=false",
		),
		spec(BinKwok,
			"--kubeconfig="+kubeconfig,
			"--config="+bins.StagesFile(),
			"--manage-all-nodes=true",
			// Without a node lease the node-lifecycle controller marks the
			// fake Node NotReady about once a minute, and pods existing then
			// stay unready: a --wait in flight would sit until its timeout.
			"--node-lease-duration-seconds=40",
			"--node-ip="+fakeNodeIP,
			"--cidr="+podCIDR,
		),
	}
}

// healthURLs are the endpoints of the secondary components that must
// answer before the cluster counts as up.
func healthURLs(p ports) map[string]string {
	return map[string]string{
		BinKubeControllerManager: fmt.Sprintf("https://127.0.0.1:%d/healthz", p.ControllerManager),
		BinKubeScheduler:         fmt.Sprintf("https://127.0.0.1:%d/healthz", p.Scheduler),
	}
}
