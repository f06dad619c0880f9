package rtpsess

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/srtp/v3"
)

// The SRTP crypto suites (RFC 4568 section 6.2) a session can use.
const (
	SuiteAES80 = "AES_CM_128_HMAC_SHA1_80" // 80-bit RTP auth tag
	SuiteAES32 = "AES_CM_128_HMAC_SHA1_32" // 32-bit RTP auth tag (RTCP keeps 80 bits)
)

// KeyLen is the length of an SRTP key of both suites: a 16-byte master key
// followed by a 14-byte master salt (the inline key of RFC 4568).
const KeyLen = 30

// replayWindow is the SRTP and SRTCP replay window (RFC 3711 section 3.3.2
// asks for at least 64 packets).
const replayWindow = 128

// srtpTagRoom is what SRTP adds to an RTP packet at most: the 80-bit tag.
const srtpTagRoom = 10

// SRTP keys a session's SRTP and SRTCP (RFC 3711), as agreed with SDES
// (RFC 4568).
type SRTP struct {
	Suite     string // SuiteAES80 or SuiteAES32
	LocalKey  []byte // KeyLen bytes: protects what we send
	RemoteKey []byte // KeyLen bytes: the peer's key, unprotects what we receive
}

// profile maps a suite name to pion's protection profile.
func profile(suite string) (srtp.ProtectionProfile, bool) {
	switch suite {
	case SuiteAES80:
		return srtp.ProtectionProfileAes128CmHmacSha1_80, true
	case SuiteAES32:
		return srtp.ProtectionProfileAes128CmHmacSha1_32, true
	}
	return 0, false
}

// contexts are the four one-way SRTP contexts of a keyed session.
type contexts struct {
	rtpTx, rtcpTx, rtpRx, rtcpRx *srtp.Context
}

// newContexts validates k and derives its contexts; a nil k gives none
// (plain RTP).
func newContexts(k *SRTP) (contexts, error) {
	if k == nil {
		return contexts{}, nil
	}
	prof, ok := profile(k.Suite)
	if !ok {
		return contexts{}, fmt.Errorf("%w: unknown suite %q", ErrBadSRTP, k.Suite)
	}
	if len(k.LocalKey) != KeyLen || len(k.RemoteKey) != KeyLen {
		return contexts{}, fmt.Errorf("%w: keys of %d and %d bytes, want %d",
			ErrBadSRTP, len(k.LocalKey), len(k.RemoteKey), KeyLen)
	}
	mk := func(key []byte) (*srtp.Context, error) {
		c, err := srtp.CreateContext(key[:16], key[16:], prof,
			srtp.SRTPReplayProtection(replayWindow), srtp.SRTCPReplayProtection(replayWindow))
		if err != nil {
			return nil, fmt.Errorf("%w: srtp.CreateContext: %w", ErrBadSRTP, err)
		}
		return c, nil
	}
	var c contexts
	var err error
	for _, p := range []struct {
		dst **srtp.Context
		key []byte
	}{{&c.rtpTx, k.LocalKey}, {&c.rtcpTx, k.LocalKey}, {&c.rtpRx, k.RemoteKey}, {&c.rtcpRx, k.RemoteKey}} {
		if *p.dst, err = mk(p.key); err != nil {
			return contexts{}, err
		}
	}
	return c, nil
}

// sameKey reports whether a and b give the same context for one direction:
// both plain, or the same suite and key.
func sameKey(a, b *SRTP, key func(*SRTP) []byte) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Suite == b.Suite && bytes.Equal(key(a), key(b))
}

func localKey(k *SRTP) []byte  { return k.LocalKey }
func remoteKey(k *SRTP) []byte { return k.RemoteKey }

func cloneKeys(k *SRTP) *SRTP {
	if k == nil {
		return nil
	}
	return &SRTP{Suite: k.Suite, LocalKey: bytes.Clone(k.LocalKey), RemoteKey: bytes.Clone(k.RemoteKey)}
}

// cryptoDir is one direction of one protocol: its context (nil: plain) and
// a reused output buffer, so that the per-packet path allocates nothing.
type cryptoDir struct {
	mu      sync.Mutex
	ctx     *srtp.Context
	rtpHdr  rtp.Header  // scratch for pion's header parse
	rtcpHdr rtcp.Header // likewise
	buf     [maxDatagram]byte
}

func (d *cryptoDir) set(c *srtp.Context) {
	d.mu.Lock()
	d.ctx = c
	d.mu.Unlock()
}

// rekeyLocked installs the contexts made from k (in c), direction by
// direction: a direction whose key (and suite) stays keeps its context,
// with its rollover counters, SRTCP index and replay window, as RFC 3711
// ties a context to its master key; one with a new key starts afresh.
// s.mu must be held.
func (s *Session) rekeyLocked(k *SRTP, c contexts) {
	if !sameKey(s.keys, k, localKey) {
		s.rtpTx.set(c.rtpTx)
		s.rtcpTx.set(c.rtcpTx)
	}
	if !sameKey(s.keys, k, remoteKey) {
		s.rtpRx.set(c.rtpRx)
		s.rtcpRx.set(c.rtcpRx)
	}
	if !sameKey(s.keys, k, localKey) || !sameKey(s.keys, k, remoteKey) {
		s.log.Debug("srtp keyed", "on", k != nil)
	}
	s.keys = cloneKeys(k)
	s.srtpOn.Store(k != nil)
}

// unprotectRTP authenticates and decrypts an SRTP packet into d.buf. ok is
// false when the packet fails (bad tag, replayed, malformed); plain is b
// itself when the direction is not keyed. The result is valid until the
// next call (one receive goroutine, or Poll, uses it).
func (d *cryptoDir) unprotectRTP(b []byte) (plain []byte, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil {
		return b, true
	}
	out, err := d.ctx.DecryptRTP(d.buf[:0], b, &d.rtpHdr)
	return out, err == nil
}

// unprotectRTCP is unprotectRTP for SRTCP.
func (d *cryptoDir) unprotectRTCP(b []byte) (plain []byte, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil {
		return b, true
	}
	out, err := d.ctx.DecryptRTCP(d.buf[:0], b, &d.rtcpHdr)
	return out, err == nil
}

// protectRTP encrypts and signs an RTP packet into d.buf. It returns b
// itself when the direction is not keyed. The caller serialises calls and
// uses the result before the next.
func (d *cryptoDir) protectRTP(b []byte) ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil {
		return b, nil
	}
	if len(b)+srtpTagRoom > len(d.buf) {
		return nil, ErrPayloadTooLarge
	}
	out, err := d.ctx.EncryptRTP(d.buf[:0], b, &d.rtpHdr)
	if err != nil {
		return nil, fmt.Errorf("srtp.EncryptRTP: %w", err)
	}
	return out, nil
}
