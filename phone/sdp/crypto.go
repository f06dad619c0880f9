package sdp

import (
	"bytes"
	crand "crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/skoip/skoip/media"
)

// Crypto is what we want of SRTP (RFC 3711) keyed with SDES (RFC 4568
// a=crypto lines).
type Crypto int

const (
	// CryptoOff is plain RTP only: offers carry no a=crypto, a=crypto in
	// offers is ignored, and RTP/SAVP streams are refused.
	CryptoOff Crypto = iota
	// CryptoOptional offers RTP/AVP with a=crypto (best effort, baresip's
	// "srtp"): SRTP when the peer takes it, plain RTP when it does not.
	CryptoOptional
	// CryptoRequired offers RTP/SAVP with a=crypto (baresip's
	// "srtp-mand") and takes no call without SRTP.
	CryptoRequired
)

// The SDES crypto suites we support (RFC 4568 section 6.2), in the order
// we offer them (tags 1 and 2). Both have 30-byte inline keys.
const (
	suiteAES80 = "AES_CM_128_HMAC_SHA1_80"
	suiteAES32 = "AES_CM_128_HMAC_SHA1_32"
)

var suites = [...]string{suiteAES80, suiteAES32}

// keyLen is an inline key's length: 16-byte master key, 14-byte salt.
const keyLen = 30

// Why a=crypto lines are not used. A line that is unsupported or malformed
// is skipped in an offer; in an answer it makes Accept fail.
var (
	errCryptoUnsupported = errors.New("unsupported a=crypto")
	errCryptoMalformed   = errors.New("malformed a=crypto")
)

// cryptoAttr is one a=crypto line we can use.
type cryptoAttr struct {
	tag   uint32 // 1..999999999
	suite string // suiteAES80 or suiteAES32
	key   []byte // keyLen bytes
}

// value is the attribute value: "<tag> <suite> inline:<base64 key>".
func (c cryptoAttr) value() string {
	return strconv.FormatUint(uint64(c.tag), 10) + " " + c.suite + " inline:" +
		base64.StdEncoding.EncodeToString(c.key)
}

// parseCrypto reads an a=crypto value (RFC 4568 section 9.1):
//
//	<tag> <crypto-suite> inline:<key||salt>[|<lifetime>][|<MKI>:<length>] [<session-params>]
//
// A lifetime ("2^31" or "1048576") is accepted and ignored. MKI, several
// key-params (";"), a key method other than inline, session parameters
// and other suites are errCryptoUnsupported; broken syntax, or a key that
// is not 30 bytes of base64, errCryptoMalformed.
func parseCrypto(v string) (cryptoAttr, error) {
	f := strings.Fields(v)
	if len(f) < 3 {
		return cryptoAttr{}, fmt.Errorf("%w: %q", errCryptoMalformed, clip(v))
	}
	tag, ok := parseTag(f[0])
	if !ok {
		return cryptoAttr{}, fmt.Errorf("%w: tag %q", errCryptoMalformed, clip(f[0]))
	}
	c := cryptoAttr{tag: tag}
	for _, s := range suites {
		if strings.EqualFold(f[1], s) {
			c.suite = s
		}
	}
	switch {
	case c.suite == "":
		return c, fmt.Errorf("%w: suite %q", errCryptoUnsupported, clip(f[1]))
	case len(f) > 3:
		return c, fmt.Errorf("%w: session parameters %q", errCryptoUnsupported, clip(strings.Join(f[3:], " ")))
	case strings.Contains(f[2], ";"):
		return c, fmt.Errorf("%w: several keys", errCryptoUnsupported)
	}
	method, info, ok := strings.Cut(f[2], ":")
	if !ok {
		return c, fmt.Errorf("%w: key parameter %q", errCryptoMalformed, clip(f[2]))
	}
	if !strings.EqualFold(method, "inline") {
		return c, fmt.Errorf("%w: key method %q", errCryptoUnsupported, clip(method))
	}
	parts := strings.Split(info, "|")
	for i, p := range parts[1:] {
		switch {
		case strings.Contains(p, ":"):
			return c, fmt.Errorf("%w: MKI %q", errCryptoUnsupported, clip(p))
		case i > 0 || !validLifetime(p):
			return c, fmt.Errorf("%w: key lifetime %q", errCryptoMalformed, clip(p))
		}
	}
	key, err := base64.StdEncoding.DecodeString(parts[0])
	if err != nil || len(key) != keyLen {
		return c, fmt.Errorf("%w: inline key is not %d bytes of base64", errCryptoMalformed, keyLen)
	}
	c.key = key
	return c, nil
}

// parseTag reads a crypto tag: 1 to 9 digits (RFC 4568 section 9.1).
func parseTag(s string) (uint32, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err == nil
}

// validLifetime checks a key lifetime: ["2^"]1*DIGIT.
func validLifetime(s string) bool {
	s = strings.TrimPrefix(s, "2^")
	if s == "" || len(s) > 20 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// usableCrypto returns the stream's first a=crypto line, in the stream's
// order, that we can use.
func (s *stream) usableCrypto() (cryptoAttr, bool) {
	for _, v := range s.crypto {
		if c, err := parseCrypto(v); err == nil {
			return c, true
		}
	}
	return cryptoAttr{}, false
}

// newKey returns a fresh inline key from crypto/rand.
func newKey() []byte {
	k := make([]byte, keyLen)
	_, _ = crand.Read(k) // never fails: it crashes the program instead (Go 1.24)
	return k
}

// offerKeyLocked returns our key for a suite in offers: the one offered
// (or agreed) before, so that a re-offer repeats it, else a fresh one.
// s.mu must be held.
func (s *Session) offerKeyLocked(suite string) []byte {
	if k, ok := s.keys[suite]; ok {
		return k
	}
	k := newKey()
	if s.keys == nil {
		s.keys = map[string][]byte{}
	}
	s.keys[suite] = k
	return k
}

// answerKeyLocked is our key when we answer an offer whose chosen line is
// c: the key in force when the peer repeats its own key and suite (a
// re-INVITE for hold, say, re-keys nothing), else a fresh one (the peer
// re-keys: so do we). s.mu must be held.
func (s *Session) answerKeyLocked(c cryptoAttr) []byte {
	if a := s.srtp; a != nil && a.Suite == c.suite && bytes.Equal(a.RemoteKey, c.key) {
		return a.LocalKey
	}
	return newKey()
}

// agreeLocked records the SRTP agreement a negotiation reached (nil:
// plain RTP). A local key that was in force and is given up is never
// offered again: its crypto context would restart at index 0 and reuse
// key stream. s.mu must be held.
func (s *Session) agreeLocked(k *media.SRTP) {
	if old := s.srtp; old != nil && (k == nil || k.Suite != old.Suite || !bytes.Equal(k.LocalKey, old.LocalKey)) {
		if bytes.Equal(s.keys[old.Suite], old.LocalKey) {
			delete(s.keys, old.Suite)
		}
	}
	s.srtp = nil
	if k != nil {
		if s.keys == nil {
			s.keys = map[string][]byte{}
		}
		s.keys[k.Suite] = k.LocalKey
		s.srtp = cloneSRTP(k)
	}
}

// cloneSRTP copies k, so that what the caller gets cannot change what the
// Session keeps.
func cloneSRTP(k *media.SRTP) *media.SRTP {
	if k == nil {
		return nil
	}
	return &media.SRTP{Suite: k.Suite, LocalKey: bytes.Clone(k.LocalKey), RemoteKey: bytes.Clone(k.RemoteKey)}
}
