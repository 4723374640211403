package localcluster

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"testing"
)

func TestWritePKIChainsToCA(t *testing.T) {
	p, err := writePKI(t.TempDir(), firstServiceIP())
	if err != nil {
		t.Fatalf("writePKI: %v", err)
	}
	caPEM, err := os.ReadFile(p.CACert)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatal("CA certificate does not parse")
	}

	tests := []struct {
		name      string
		cert, key string
		usage     x509.ExtKeyUsage
		dnsName   string
		wantOrg   string
	}{
		{name: "serving for 127.0.0.1", cert: p.ServingCert, key: p.ServeKey, usage: x509.ExtKeyUsageServerAuth, dnsName: "127.0.0.1"},
		{name: "serving for the in-cluster name", cert: p.ServingCert, key: p.ServeKey, usage: x509.ExtKeyUsageServerAuth, dnsName: "kubernetes.default.svc"},
		{name: "serving for the service IP", cert: p.ServingCert, key: p.ServeKey, usage: x509.ExtKeyUsageServerAuth, dnsName: "10.96.0.1"},
		{name: "admin client in system:masters", cert: p.AdminCert, key: p.AdminKey, usage: x509.ExtKeyUsageClientAuth, wantOrg: "system:masters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pair, err := tls.LoadX509KeyPair(tt.cert, tt.key)
			if err != nil {
				t.Fatalf("load key pair: %v", err)
			}
			leaf, err := x509.ParseCertificate(pair.Certificate[0])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: tt.dnsName, KeyUsages: []x509.ExtKeyUsage{tt.usage}}); err != nil {
				t.Errorf("verify: %v", err)
			}
			if tt.wantOrg != "" && (len(leaf.Subject.Organization) != 1 || leaf.Subject.Organization[0] != tt.wantOrg) {
				t.Errorf("organization = %v, want [%s]", leaf.Subject.Organization, tt.wantOrg)
			}
		})
	}
}

func TestFirstServiceIP(t *testing.T) {
	if got, want := firstServiceIP(), net.ParseIP("10.96.0.1"); !got.Equal(want) {
		t.Errorf("firstServiceIP() = %v, want %v", got, want)
	}
}
