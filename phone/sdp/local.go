package sdp

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/media/codec"
)

// DefaultPTime is the packetisation interval used when nothing else is
// agreed.
const DefaultPTime = 20 * time.Millisecond

// Local is what we offer or accept for the call's audio.
type Local struct {
	Addr   netip.Addr // our reachable address, for o= and c= (never unspecified)
	Port   int        // our RTP port (RTCP is Port+1)
	Codecs []string   // preference order: "opus", "G722", "PCMU", "PCMA", "L16" (L16/8000, dynamic PT)
	// OpusFMTP is the a=fmtp we write for Opus; "" is
	// codec.OpusLocalFMTP's default (16 kHz audio, in-band FEC wanted).
	OpusFMTP string
	// OwnOrder makes an answer pick the first of Codecs that the offer
	// has; without it the first codec of the offer that is in Codecs
	// (the offerer's order, as RFC 3264 recommends).
	OwnOrder  bool
	PTime     time.Duration   // packetisation interval we prefer; 0 means 20ms
	DTMF      bool            // offer/accept telephone-event/8000 (events 0-16)
	CN        bool            // offer comfort noise (PT 13); CN offered by a peer is always accepted
	Direction media.Direction // what we want: SendRecv normally, SendOnly or Inactive for hold
	Crypto    Crypto          // SRTP with SDES keys: CryptoOff (plain RTP), CryptoOptional, CryptoRequired
}

// checked is a validated Local.
type checked struct {
	addr   netip.Addr
	port   int
	codecs []format // our preference order, without duplicates
	opus   string   // our Opus fmtp
	own    bool     // answers follow our order
	ptime  time.Duration
	dtmf   bool
	cn     bool
	dir    media.Direction
	crypto Crypto
}

// check validates l and fills in defaults.
func (l Local) check() (checked, error) {
	c := checked{port: l.Port, dtmf: l.DTMF, cn: l.CN, dir: l.Direction, crypto: l.Crypto, own: l.OwnOrder}
	c.opus = l.OpusFMTP
	if c.opus == "" {
		c.opus = codec.OpusLocalFMTP(codec.Options{})
	}
	if len(c.opus) > maxFMTP || strings.ContainsAny(c.opus, "\r\n") {
		return c, fmt.Errorf("%w: Opus fmtp %q", ErrBadLocal, c.opus)
	}
	c.addr = l.Addr.Unmap().WithZone("")
	if !c.addr.IsValid() || c.addr.IsUnspecified() {
		return c, fmt.Errorf("%w: address %v is not a reachable IP", ErrBadLocal, l.Addr)
	}
	if l.Port <= 0 || l.Port > 65534 {
		return c, fmt.Errorf("%w: RTP port %d", ErrBadLocal, l.Port)
	}
	if l.Direction < media.SendRecv || l.Direction > media.Inactive {
		return c, fmt.Errorf("%w: direction %d", ErrBadLocal, l.Direction)
	}
	if l.Crypto < CryptoOff || l.Crypto > CryptoRequired {
		return c, fmt.Errorf("%w: crypto %d", ErrBadLocal, l.Crypto)
	}
	for _, name := range l.Codecs {
		f, ok := lookupFormat(name)
		if !ok || f.name == telephoneEvent || f.name == comfortNoise {
			return c, fmt.Errorf("%w: unknown codec %q", ErrBadLocal, name)
		}
		if !hasFormat(c.codecs, f.name) {
			c.codecs = append(c.codecs, f)
		}
	}
	if len(c.codecs) == 0 {
		return c, fmt.Errorf("%w: no codec", ErrBadLocal)
	}
	c.ptime = validPTime(l.PTime, DefaultPTime)
	return c, nil
}

// maxFMTP bounds an fmtp we write or read.
const maxFMTP = 512

// fmtpOf is the fmtp we write for codec f ("" for none).
func (c checked) fmtpOf(f format) string {
	if f.name == Opus {
		return c.opus
	}
	return ""
}

func hasFormat(fs []format, name string) bool {
	for _, f := range fs {
		if f.name == name {
			return true
		}
	}
	return false
}

// validPTime returns p when it is 10..60 ms and a multiple of 10 ms, else
// def.
func validPTime(p, def time.Duration) time.Duration {
	if p >= 10*time.Millisecond && p <= 60*time.Millisecond && p%(10*time.Millisecond) == 0 {
		return p
	}
	return def
}

// clampPTime lowers p to a maxptime (when one was given), keeping it a
// multiple of 10 ms and at least 10 ms.
func clampPTime(p, maxp time.Duration) time.Duration {
	if maxp <= 0 || p <= maxp {
		return p
	}
	p = maxp - maxp%(10*time.Millisecond)
	return max(p, 10*time.Millisecond)
}
