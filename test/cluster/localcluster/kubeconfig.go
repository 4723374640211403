package localcluster

import (
	"fmt"
	"os"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// writeKubeconfig writes a self-contained admin kubeconfig (certificates
// embedded, so it can be copied elsewhere) for the API server at server.
func writeKubeconfig(path, server string, certs pki) error {
	ca, err := os.ReadFile(certs.CACert)
	if err != nil {
		return fmt.Errorf("read CA for kubeconfig: %w", err)
	}
	cert, err := os.ReadFile(certs.AdminCert)
	if err != nil {
		return fmt.Errorf("read admin certificate for kubeconfig: %w", err)
	}
	key, err := os.ReadFile(certs.AdminKey)
	if err != nil {
		return fmt.Errorf("read admin key for kubeconfig: %w", err)
	}

	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[clusterName] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos["kpkg-admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: cert, ClientKeyData: key}
	cfg.Contexts[clusterName] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: "kpkg-admin", Namespace: "default"}
	cfg.CurrentContext = clusterName
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return fmt.Errorf("write kubeconfig %s: %w", path, err)
	}
	return nil
}
