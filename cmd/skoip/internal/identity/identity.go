package identity

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/statefile"
)

// File names in the state folder.
const (
	KeyFile  = "tls.key"
	CertFile = "tls.crt"
)

// validity of a made certificate: a door station stays on the wall.
const validity = 20 * 365 * 24 * time.Hour

// maxPEM bounds what is read of either file.
const maxPEM = 64 << 10

// Load returns the identity kept in dir, making it first when there is
// none (name is the certificate's common name).
func Load(dir, name string) (tls.Certificate, error) {
	if dir == "" {
		return tls.Certificate{}, errors.New("no state folder for the TLS identity: set state.dir")
	}
	keyPath, certPath := filepath.Join(dir, KeyFile), filepath.Join(dir, CertFile)
	keyPEM, kerr := readBounded(keyPath)
	certPEM, cerr := readBounded(certPath)
	switch {
	case errors.Is(kerr, fs.ErrNotExist) && errors.Is(cerr, fs.ErrNotExist):
		return create(dir, name)
	case errors.Is(cerr, fs.ErrNotExist) && kerr == nil:
		return certify(dir, keyPEM, name)
	case kerr != nil:
		return tls.Certificate{}, fmt.Errorf("%s: %w", keyPath, kerr)
	case cerr != nil:
		return tls.Certificate{}, fmt.Errorf("%s: %w", certPath, cerr)
	}
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s and %s: %w (move them away to make a new identity; peers must then pin its new fingerprint)", keyPath, certPath, err)
	}
	if c.Leaf == nil {
		if c.Leaf, err = x509.ParseCertificate(c.Certificate[0]); err != nil {
			return tls.Certificate{}, fmt.Errorf("%s: %w", certPath, err)
		}
	}
	return c, nil
}

// create makes a key and its certificate.
func create(dir, name string) (tls.Certificate, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return tls.Certificate{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := statefile.WriteAtomic(filepath.Join(dir, KeyFile), keyPEM, 0o600); err != nil {
		return tls.Certificate{}, err
	}
	return certify(dir, keyPEM, name)
}

// certify makes the self-signed certificate of the key in keyPEM.
func certify(dir string, keyPEM []byte, name string) (tls.Certificate, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return tls.Certificate{}, fmt.Errorf("%s: not a PEM key", filepath.Join(dir, KeyFile))
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s: %w", filepath.Join(dir, KeyFile), err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return tls.Certificate{}, fmt.Errorf("%s: not an ECDSA key", filepath.Join(dir, KeyFile))
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		return tls.Certificate{}, err
	}
	if name == "" {
		name = "skoip"
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: name, Organization: []string{"SKOIP"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(validity),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := statefile.WriteAtomic(filepath.Join(dir, CertFile), certPEM, 0o644); err != nil {
		return tls.Certificate{}, err
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// readBounded reads a PEM file: regular, at most maxPEM bytes, without
// waiting on a FIFO.
func readBounded(path string) ([]byte, error) {
	b, err := statefile.ReadRegular(path, maxPEM)
	return bytes.TrimSpace(b), err
}

// Check reports what Load would find wrong in dir without making
// anything: nil when the identity is there and sound, or when there is
// none yet (Load will make it); else the error Load would return.
func Check(dir string) error {
	if dir == "" {
		return errors.New("no state folder for the TLS identity: set state.dir")
	}
	keyPath, certPath := filepath.Join(dir, KeyFile), filepath.Join(dir, CertFile)
	keyPEM, kerr := readBounded(keyPath)
	certPEM, cerr := readBounded(certPath)
	switch {
	case errors.Is(kerr, fs.ErrNotExist) && errors.Is(cerr, fs.ErrNotExist):
		return nil
	case kerr != nil:
		return fmt.Errorf("%s: %w", keyPath, kerr)
	case errors.Is(cerr, fs.ErrNotExist): // the key is certified again at the start
		return checkKey(keyPath, keyPEM)
	case cerr != nil:
		return fmt.Errorf("%s: %w", certPath, cerr)
	}
	if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
		return fmt.Errorf("%s and %s: %w (move them away to make a new identity; peers must then pin its new fingerprint)", keyPath, certPath, err)
	}
	return nil
}

// checkKey reports whether keyPEM is a key certify can use.
func checkKey(path string, keyPEM []byte) error {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return fmt.Errorf("%s: not a PEM key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if _, ok := k.(*ecdsa.PrivateKey); !ok {
		return fmt.Errorf("%s: not an ECDSA key", path)
	}
	return nil
}
