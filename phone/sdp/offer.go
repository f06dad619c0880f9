package sdp

import (
	"fmt"

	"github.com/pion/sdp/v3"
)

// Offer writes our SDP offer (for an INVITE, a re-INVITE, or a 200 OK to
// an INVITE without SDP) and remembers it for Accept. The o= version goes
// up only when the offer differs from the last SDP we sent.
//
// With Local.Crypto CryptoOptional the stream is RTP/AVP, with
// CryptoRequired RTP/SAVP, and both carry two a=crypto lines: tag 1
// AES_CM_128_HMAC_SHA1_80 and tag 2 AES_CM_128_HMAC_SHA1_32, each with a
// 30-byte key from crypto/rand. A re-offer repeats the keys of the earlier
// offers (and the one agreed), so that it re-keys nothing.
func (s *Session) Offer(l Local) ([]byte, error) {
	c, err := l.check()
	if err != nil {
		return nil, fmt.Errorf("sdp.Offer: %w", err)
	}
	a := audio{port: c.port, maps: map[uint8]string{}, ptime: c.ptime, dir: c.dir}
	narrow, opus := false, false
	for _, f := range c.codecs {
		a.add(f.offeredPT, f, c.fmtpOf(f))
		narrow = narrow || f.rate == narrowClock
		opus = opus || f.rate == opusClock
	}
	if c.cn && narrow {
		cn, _ := lookupFormat(comfortNoise)
		a.add(cn.offeredPT, cn, "")
	}
	if c.dtmf {
		// telephone-event at Opus's clock beside Opus, and at 8000 Hz
		// always: peers with only /8000 (baresip) pair it with Opus too.
		for _, rate := range []int{opusClock, narrowClock} {
			if te, ok := eventFormat(rate); ok && (rate == narrowClock || opus) {
				a.add(te.offeredPT, te, dtmfFMTP)
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.crypto != CryptoOff {
		a.savp = c.crypto == CryptoRequired
		for i, suite := range suites {
			a.crypto = append(a.crypto, cryptoAttr{tag: uint32(i + 1), suite: suite, key: s.offerKeyLocked(suite)})
		}
	}
	d := description{addr: c.addr, media: []*sdp.MediaDescription{a.mediaDescription()}}
	body, err := s.stamp(&d)
	if err != nil {
		return nil, fmt.Errorf("sdp.Offer: %w", err)
	}
	s.offered, s.offeredCrypto = &c, a.crypto
	return body, nil
}
