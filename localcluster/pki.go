package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/util/cert"
	"k8s.io/client-go/util/keyutil"
)

// pki holds the paths of every credential the control plane uses. All of it
// lives under DIR/pki and is created once; a restart reuses it, so kubeconfigs
// written earlier stay valid.
type pki struct {
	dir string
}

func (p pki) path(name string) string { return filepath.Join(p.dir, name) }

func (p pki) caCert() string      { return p.path("ca.crt") }
func (p pki) caKey() string       { return p.path("ca.key") }
func (p pki) servingCert() string { return p.path("apiserver.crt") }
func (p pki) servingKey() string  { return p.path("apiserver.key") }
func (p pki) adminCert() string   { return p.path("admin.crt") }
func (p pki) adminKey() string    { return p.path("admin.key") }
func (p pki) saKey() string       { return p.path("sa.key") }
func (p pki) saPub() string       { return p.path("sa.pub") }

// ensure creates the CA, serving certificate, admin client certificate and
// service-account key pair when they do not exist yet.
func (p pki) ensure() error {
	if _, err := os.Stat(p.saPub()); err == nil {
		return nil
	}
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return fmt.Errorf("create pki dir: %w", err)
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	ca, err := cert.NewSelfSignedCACert(cert.Config{CommonName: "converge-localcluster-ca"}, caKey)
	if err != nil {
		return fmt.Errorf("create ca: %w", err)
	}
	if err := writeCertKey(p.caCert(), p.caKey(), ca, caKey); err != nil {
		return err
	}
	serving := leaf{
		cn:    "kube-apiserver",
		ips:   []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.0.0.1")},
		dns:   []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
		usage: x509.ExtKeyUsageServerAuth,
	}
	if err := serving.issue(ca, caKey, p.servingCert(), p.servingKey()); err != nil {
		return err
	}
	admin := leaf{cn: "converge-admin", orgs: []string{"system:masters"}, usage: x509.ExtKeyUsageClientAuth}
	if err := admin.issue(ca, caKey, p.adminCert(), p.adminKey()); err != nil {
		return err
	}
	return writeServiceAccountKeys(p.saKey(), p.saPub())
}

// leaf describes a certificate signed by the local CA.
type leaf struct {
	cn    string
	orgs  []string
	ips   []net.IP
	dns   []string
	usage x509.ExtKeyUsage
}

func (l leaf) issue(ca *x509.Certificate, caKey crypto.Signer, certPath, keyPath string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: l.cn, Organization: l.orgs},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{l.usage},
		IPAddresses:  l.ips,
		DNSNames:     l.dns,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return fmt.Errorf("sign %s: %w", l.cn, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	return writeCertKey(certPath, keyPath, c, key)
}

func writeCertKey(certPath, keyPath string, c *x509.Certificate, key crypto.Signer) error {
	if err := cert.WriteCert(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})); err != nil {
		return fmt.Errorf("write %s: %w", certPath, err)
	}
	keyPEM, err := keyutil.MarshalPrivateKeyToPEM(key)
	if err != nil {
		return err
	}
	if err := keyutil.WriteKey(keyPath, keyPEM); err != nil {
		return fmt.Errorf("write %s: %w", keyPath, err)
	}
	return nil
}

func writeServiceAccountKeys(privPath, pubPath string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	keyPEM, err := keyutil.MarshalPrivateKeyToPEM(key)
	if err != nil {
		return err
	}
	if err := keyutil.WriteKey(privPath, keyPEM); err != nil {
		return fmt.Errorf("write %s: %w", privPath, err)
	}
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return err
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	return os.WriteFile(pubPath, pubPEM, 0o600)
}
