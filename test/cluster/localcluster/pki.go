package localcluster

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// pki names the files of a cluster's certificates and keys.
type pki struct {
	CACert, CAKey         string
	ServingCert, ServeKey string
	AdminCert, AdminKey   string
	// ServiceAccountKey signs service-account tokens; ServiceAccountPub
	// verifies them (the API server reads only public keys from PEM).
	ServiceAccountKey, ServiceAccountPub string
}

// certLifetime outlives any test run or demo, and a fresh PKI is made
// for every cluster start.
const certLifetime = 7 * 24 * time.Hour

// writePKI creates a CA, the API server's serving certificate (valid for
// 127.0.0.1 and the in-cluster names), an admin client certificate in
// system:masters and a service-account signing key, all under dir.
func writePKI(dir string, serviceIP net.IP) (pki, error) {
	p := pki{
		CACert: filepath.Join(dir, "ca.crt"), CAKey: filepath.Join(dir, "ca.key"),
		ServingCert: filepath.Join(dir, "apiserver.crt"), ServeKey: filepath.Join(dir, "apiserver.key"),
		AdminCert: filepath.Join(dir, "admin.crt"), AdminKey: filepath.Join(dir, "admin.key"),
		ServiceAccountKey: filepath.Join(dir, "sa.key"), ServiceAccountPub: filepath.Join(dir, "sa.pub"),
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return p, fmt.Errorf("create PKI dir: %w", err)
	}
	now := time.Now()

	caKey, err := newKey(p.CAKey)
	if err != nil {
		return p, err
	}
	caTmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "kpkg-test-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caCert, err := signCert(p.CACert, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return p, err
	}

	servingKey, err := newKey(p.ServeKey)
	if err != nil {
		return p, err
	}
	if _, err := signCert(p.ServingCert, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.Add(certLifetime),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{
			"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
			"kubernetes.default.svc.cluster.local",
		},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), serviceIP},
	}, caCert, servingKey.Public(), caKey); err != nil {
		return p, err
	}

	adminKey, err := newKey(p.AdminKey)
	if err != nil {
		return p, err
	}
	if _, err := signCert(p.AdminCert, &x509.Certificate{
		// system:masters is bound to cluster-admin and bypasses RBAC.
		Subject:     pkix.Name{CommonName: "kpkg-admin", Organization: []string{"system:masters"}},
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.Add(certLifetime),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, caCert, adminKey.Public(), caKey); err != nil {
		return p, err
	}

	saKey, err := newKey(p.ServiceAccountKey)
	if err != nil {
		return p, err
	}
	pub, err := x509.MarshalPKIXPublicKey(saKey.Public())
	if err != nil {
		return p, fmt.Errorf("encode service-account public key: %w", err)
	}
	if err := writePEM(p.ServiceAccountPub, "PUBLIC KEY", pub, 0o644); err != nil {
		return p, err
	}
	return p, nil
}

// newKey generates a P-256 key (fast to make, accepted by every component)
// and writes it to path as PKCS#8 PEM.
func newKey(path string) (*ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate key for %s: %w", filepath.Base(path), err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode key for %s: %w", filepath.Base(path), err)
	}
	if err := writePEM(path, "PRIVATE KEY", der, 0o600); err != nil {
		return nil, err
	}
	return key, nil
}

// signCert signs tmpl with parent's key, writes the certificate to path and
// returns it parsed, for use as a parent.
func signCert(path string, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("serial number for %s: %w", filepath.Base(path), err)
	}
	tmpl.SerialNumber = serial
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("sign certificate %s: %w", filepath.Base(path), err)
	}
	if err := writePEM(path, "CERTIFICATE", der, 0o644); err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse certificate %s: %w", filepath.Base(path), err)
	}
	return cert, nil
}

func writePEM(path, blockType string, der []byte, mode os.FileMode) error {
	data := pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
	if err := os.WriteFile(path, data, mode); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}
