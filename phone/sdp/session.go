package sdp

import (
	"bytes"
	"math/rand/v2"
	"net/netip"
	"strings"
	"sync"

	"github.com/skoip/skoip/media"
)

// sessionName is our s= line.
const sessionName = "SKOIP"

// Session is the SDP side of one call. It keeps the o= line (user, session
// id, version) of everything we send, and the offer we wait an answer for.
// Its methods may be called from several goroutines.
type Session struct {
	mu      sync.Mutex
	user    string
	id      uint64
	version uint64
	last    []byte   // our last SDP, marshalled with version 0; nil before the first
	offered *checked // our outstanding offer; nil when none
	rtcp    netip.AddrPort

	// SDES (RFC 4568): the a=crypto lines of the outstanding offer, the
	// agreement in force (nil: plain RTP), and our keys for offers by
	// suite (repeated in re-offers).
	offeredCrypto []cryptoAttr
	srtp          *media.SRTP
	keys          map[string][]byte
}

// NewSession starts the SDP side of a call. user is the o= user name
// (blanks removed, cut to 32 characters, "-" when empty); the session id is
// random, in 1..2^31-1 so that old phones that read it as a 32-bit integer
// cope.
func NewSession(user string) *Session {
	return &Session{user: originUser(user), id: 1 + rand.Uint64N(1<<31-1)}
}

// maxUser bounds the o= user name, to keep our SDP under 400 bytes.
const maxUser = 32

// originUser makes user a valid o= token: no white space or control
// characters, at most maxUser runes.
func originUser(user string) string {
	u := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, user)
	if u == "" {
		return "-"
	}
	if r := []rune(u); len(r) > maxUser {
		u = string(r[:maxUser])
	}
	return u
}

// ID is the o= session id.
func (s *Session) ID() uint64 { return s.id }

// Version is the o= version of the last SDP we produced (0 before the
// first).
func (s *Session) Version() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}

// RemoteRTCP is where the peer wants RTCP for the last negotiated stream:
// its a=rtcp attribute (RFC 3605) when it sent one, else the RTP port + 1.
// It is invalid before a negotiation succeeded.
func (s *Session) RemoteRTCP() netip.AddrPort {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rtcp
}

// stamp marshals an SDP of ours. The version goes up by one when the
// content differs from the previous SDP's, and the first SDP gets 1.
// s.mu must be held.
func (s *Session) stamp(d *description) ([]byte, error) {
	d.origin = origin{user: s.user, id: s.id}
	body, err := d.marshal()
	if err != nil {
		return nil, err
	}
	if s.last == nil || !bytes.Equal(body, s.last) {
		s.last = body
		s.version++
	}
	d.origin.version = s.version
	return d.marshal()
}
