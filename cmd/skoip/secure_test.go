package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/phone"
)

// cert makes a certificate of cn valid from nb to na, signed by parent
// (self-signed when nil); it returns it and its key.
func cert(t *testing.T, cn string, nb, na time.Time, parent *x509.Certificate, pkey *ecdsa.PrivateKey, ca bool) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: nb, NotAfter: na, DNSNames: []string{cn}, BasicConstraintsValid: true, IsCA: ca,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	if parent == nil {
		parent, pkey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, pkey)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c, key
}

// TestTLSTrust: a pinned certificate is trusted, an unpinned or expired
// one is not, and one that the configured CA signed is trusted for the host
// it names only.
func TestTLSTrust(t *testing.T) {
	now := time.Now()
	pinnedCert, _ := cert(t, "inside", now.Add(-time.Hour), now.Add(time.Hour), nil, nil, false)
	expired, _ := cert(t, "old", now.Add(-48*time.Hour), now.Add(-24*time.Hour), nil, nil, false)
	caCert, caKey := cert(t, "house CA", now.Add(-time.Hour), now.Add(time.Hour), nil, nil, true)
	pbx, _ := cert(t, "pbx.lan", now.Add(-time.Hour), now.Add(time.Hour), caCert, caKey, false)
	other, _ := cert(t, "stranger", now.Add(-time.Hour), now.Add(time.Hour), nil, nil, false)

	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caCert.Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.SIP.TLSListen = "127.0.0.1:0"
	cfg.SIP.TLSCAFile = caFile
	cfg.Peer.TLSFingerprint = phone.Fingerprint(pinnedCert.Raw) + ", " + phone.Fingerprint(expired.Raw)
	tc, err := tlsConfig(cfg, filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		chain []*x509.Certificate
		host  string
		ok    bool
		why   string
	}{
		{"pinned", []*x509.Certificate{pinnedCert}, "10.0.0.5", true, ""},
		{"pinned but expired", []*x509.Certificate{expired}, "10.0.0.5", false, "valid from"},
		{"not pinned, no CA", []*x509.Certificate{other}, "10.0.0.5", false, "not pinned"},
		{"CA-signed, right host", []*x509.Certificate{pbx}, "pbx.lan", true, ""},
		{"CA-signed, another host", []*x509.Certificate{pbx}, "evil.lan", false, "not pinned"},
		{"CA-signed client", []*x509.Certificate{pbx}, "", true, ""},
	} {
		err := tc.VerifyPeer(c.chain, c.host)
		if (err == nil) != c.ok || (err != nil && !strings.Contains(err.Error(), c.why)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if fp := phone.Fingerprint(tc.Certificate.Certificate[0]); len(fp) != 95 {
		t.Errorf("own fingerprint %q", fp)
	}
}
