package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Media encryption (media.encryption).
const (
	EncryptionOff      = "off"
	EncryptionOptional = "optional"
	EncryptionRequired = "required"
)

// TLS reports whether SIP over TLS is configured (sip.tls_listen).
func (cfg *Config) TLS() bool { return cfg.SIP.TLSListen != "" }

// SecureDoor reports whether the door code needs a secure call:
// door.require_secure, else on when SIP over TLS is configured.
func (cfg *Config) SecureDoor() bool {
	if r := cfg.Door.RequireSecure; r != nil {
		return *r
	}
	return cfg.TLS()
}

// Fingerprints returns peer.tls_fingerprint's fingerprints as "AB:CD:..."
// (32 upper-case hex bytes), or the first one that is not one.
func (cfg *Config) Fingerprints() ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(cfg.Peer.TLSFingerprint, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		fp, err := ParseFingerprint(f)
		if err != nil {
			return nil, err
		}
		out = append(out, fp)
	}
	return out, nil
}

// ParseFingerprint reads one SHA-256 fingerprint: 32 hex bytes, with or
// without colons, either case.
func ParseFingerprint(s string) (string, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), ":", "")
	b, err := hex.DecodeString(t)
	if err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("%q is not a SHA-256 fingerprint: 32 hex bytes as `skoip identity` prints them (\"AB:CD:...\")", s)
	}
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = strings.ToUpper(hex.EncodeToString([]byte{x}))
	}
	return strings.Join(parts, ":"), nil
}

// checkSecure checks the keys of secure calls.
func checkSecure(c *checker, cfg *Config) {
	s := &cfg.SIP
	if s.TLSListen != "" {
		c.err("sip.tls_listen", checkListen(s.TLSListen))
	}
	if s.Transport == "tls" && s.TLSListen == "" {
		c.bad("sip.transport", "\"tls\" needs sip.tls_listen (the TLS listener, e.g. \"0.0.0.0:5061\")")
	}
	if _, err := cfg.Fingerprints(); err != nil {
		c.bad("peer.tls_fingerprint", "%v", err)
	}
	c.oneOf("media.encryption", cfg.Media.Encryption, EncryptionOff, EncryptionOptional, EncryptionRequired)
	if cfg.Media.Encryption != EncryptionOff && !cfg.TLS() {
		c.bad("media.encryption", "%q needs sip.tls_listen: SRTP keys are only sent over TLS", cfg.Media.Encryption)
	}
	if r := cfg.Door.RequireSecure; r != nil && *r && !cfg.TLS() {
		c.bad("door.require_secure", "needs sip.tls_listen (and media.encryption): a secure call is signalled over TLS")
	}
	if cfg.TLS() && cfg.Peer.TLSFingerprint == "" && s.TLSCAFile == "" {
		c.bad("sip.tls_listen", "no TLS peer can be trusted: pin one with peer.tls_fingerprint (its `skoip identity`) or set sip.tls_ca_file")
	}
}
