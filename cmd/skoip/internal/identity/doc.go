// Package identity is the unit's TLS identity: a private key and a
// self-signed certificate made once in the state folder, by which peers
// pin this unit (its SHA-256 fingerprint) without a certificate authority.
//
// Files, in the state folder (never on the FAT boot partition):
//
//	tls.key  the ECDSA P-256 private key, PEM "PRIVATE KEY" (PKCS #8), mode 0600
//	tls.crt  the self-signed certificate, PEM "CERTIFICATE", valid 20 years,
//	         common name the device name, usable for TLS servers and clients
//
// Load makes both when neither exists (the key is written first, each
// atomically: a power cut leaves both, or the key alone, which is made
// again with a new certificate). A key or certificate that exists but
// cannot be read, or that do not match, is an error naming the file: it is
// never replaced silently (peers pinned its fingerprint).
package identity
