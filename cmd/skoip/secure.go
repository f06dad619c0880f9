package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/identity"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/phone"
)

// tlsConfig is SIP over TLS of cfg: this unit's identity from the state
// folder dir, and the peers it trusts: a certificate whose fingerprint is
// in peer.tls_fingerprint, or one that a CA of sip.tls_ca_file signed for
// the host dialled (any host for a caller's client certificate).
func tlsConfig(cfg *config.Config, dir string) (*phone.TLS, error) {
	cert, err := identity.Load(dir, cfg.Device.Name)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	pins, err := cfg.Fingerprints()
	if err != nil {
		return nil, fmt.Errorf("peer.tls_fingerprint: %w", err)
	}
	var roots *x509.CertPool
	if f := cfg.SIP.TLSCAFile; f != "" {
		if roots, err = config.LoadCAs(f); err != nil {
			return nil, fmt.Errorf("sip.tls_ca_file: %w", err)
		}
	}
	verify := func(chain []*x509.Certificate, host string) error {
		leaf := chain[0]
		if now := time.Now(); now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
			return fmt.Errorf("it is valid from %s to %s only", leaf.NotBefore.UTC().Format(time.DateOnly), leaf.NotAfter.UTC().Format(time.DateOnly))
		}
		if slices.Contains(pins, phone.Fingerprint(leaf.Raw)) {
			return nil
		}
		if roots == nil {
			return errors.New("its fingerprint is not in peer.tls_fingerprint")
		}
		inter := x509.NewCertPool()
		for _, c := range chain[1:] {
			inter.AddCert(c)
		}
		opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
		if host != "" && net.ParseIP(host) == nil {
			opts.DNSName = host
		}
		if _, err := chain[0].Verify(opts); err != nil {
			return fmt.Errorf("not pinned, and %v", err)
		}
		return nil
	}
	return &phone.TLS{Listen: cfg.SIP.TLSListen, Certificate: cert, VerifyPeer: verify,
		Default: cfg.SIP.Transport == "tls"}, nil
}
