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
	a := audio{port: c.port, maps: map[uint8]string{}, dtmf: -1, ptime: c.ptime, dir: c.dir}
	for _, f := range c.codecs {
		a.add(f.offeredPT, f.name)
	}
	if c.cn {
		cn, _ := lookupFormat(comfortNoise)
		a.add(cn.offeredPT, cn.name)
	}
	if c.dtmf {
		te, _ := lookupFormat(telephoneEvent)
		a.add(te.offeredPT, te.name)
		a.dtmf = int(te.offeredPT)
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
