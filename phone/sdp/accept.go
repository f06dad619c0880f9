package sdp

import (
	"fmt"
	"net/netip"

	"github.com/skoip/skoip/media"
)

// Accept reads the answer to our last Offer (from a 200 OK, a reliable 18x,
// or the ACK of a 200 OK that carried our offer) and returns what was
// agreed. The offer stays current, so the same answer repeated in a 183 and
// then a 200 OK may be accepted twice. ErrNoOffer: no Offer was made;
// ErrNoCommonCodec: the answer rejects our stream or names none of our
// codecs; ErrBadSDP: the answer is malformed.
//
// SRTP: when we offered a=crypto, the answer's first a=crypto line must
// name a tag we offered with that tag's suite and carry a well-formed
// inline key: media.Params.SRTP then holds our key of that tag and the
// answerer's. An answer without a=crypto is plain RTP under
// CryptoOptional (on RTP/AVP); under CryptoRequired, with a tag we did not
// offer, another suite, or a key we cannot use, Accept fails with
// ErrNotAcceptable (end the call). A failed Accept changes nothing.
func (s *Session) Accept(answer []byte) (media.Params, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.offered == nil {
		return media.Params{}, fmt.Errorf("sdp.Accept: %w", ErrNoOffer)
	}
	c := *s.offered
	r, err := parse(answer)
	if err != nil {
		return media.Params{}, fmt.Errorf("sdp.Accept: %w", err)
	}
	if len(r.streams) == 0 {
		return media.Params{}, fmt.Errorf("sdp.Accept: %w: no m= line", ErrBadSDP)
	}
	st := &r.streams[0] // we offer a single m= line
	p, err := accepted(st, c)
	if err != nil {
		return media.Params{}, fmt.Errorf("sdp.Accept: %w", err)
	}
	if p.SRTP, err = acceptedCrypto(st, c.crypto, s.offeredCrypto); err != nil {
		return media.Params{}, fmt.Errorf("sdp.Accept: %w", err)
	}
	s.rtcp = st.rtcpAddr(p.Remote)
	s.agreeLocked(p.SRTP)
	p.SRTP = cloneSRTP(p.SRTP)
	return p, nil
}

// acceptedCrypto checks the answer's a=crypto against what we offered and
// returns the agreed keys (nil: plain RTP).
func acceptedCrypto(st *stream, want Crypto, offered []cryptoAttr) (*media.SRTP, error) {
	if want == CryptoOff || len(offered) == 0 {
		return nil, nil // a=crypto we did not offer is ignored
	}
	if len(st.crypto) == 0 {
		if want == CryptoRequired || st.isAudioSAVP() {
			return nil, fmt.Errorf("%w: the answer has no a=crypto (SRTP required)", ErrNotAcceptable)
		}
		return nil, nil
	}
	c, err := parseCrypto(st.crypto[0])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotAcceptable, err)
	}
	for _, o := range offered {
		if o.tag != c.tag {
			continue
		}
		if o.suite != c.suite {
			return nil, fmt.Errorf("%w: a=crypto tag %d answered with %s, offered %s", ErrNotAcceptable, c.tag, c.suite, o.suite)
		}
		return &media.SRTP{Suite: c.suite, LocalKey: o.key, RemoteKey: c.key}, nil
	}
	return nil, fmt.Errorf("%w: a=crypto tag %d was not offered", ErrNotAcceptable, c.tag)
}

// accepted reads the answerer's stream: the first of its formats that we
// offered is the codec we send.
func accepted(st *stream, c checked) (media.Params, error) {
	if !st.isAudioAVP() && !(st.isAudioSAVP() && c.crypto != CryptoOff) {
		return media.Params{}, fmt.Errorf("%w: audio stream rejected (m=%s %d %s)",
			ErrNoCommonCodec, clip(st.m.media), st.port, clip(st.m.proto))
	}
	f, pt, ok := st.firstOf(c.codecs)
	if !ok {
		return media.Params{}, fmt.Errorf("%w: answer has none of %s", ErrNoCommonCodec, names(c.codecs))
	}
	addr, err := st.addr()
	if err != nil {
		return media.Params{}, err
	}
	ptime := clampPTime(validPTime(st.ptime, c.ptime), st.maxptime)
	p := media.Params{
		Remote:      netip.AddrPortFrom(addr, uint16(st.port)),
		PayloadType: pt, Codec: f.name, ClockRate: f.rate, FMTP: st.fmtps[pt], PTime: ptime,
		Direction: negotiate(st.effectiveDir(addr), c.dir),
	}
	if te, rate, ok := st.findEvent(f.rate); ok && c.dtmf {
		p.DTMFType = te
		if rate != f.rate {
			p.DTMFRate = rate
		}
	}
	if cnf, _ := lookupFormat(comfortNoise); f.rate == cnf.rate && c.cn {
		if cn, ok := st.find(cnf); ok {
			p.CNType = cn
		}
	}
	return p, nil
}

// firstOf returns the stream's first payload type, in the stream's order,
// that carries one of fs.
func (s *stream) firstOf(fs []format) (format, uint8, bool) {
	for _, pt := range s.pts {
		for _, f := range fs {
			if s.is(pt, f) {
				return f, pt, true
			}
		}
	}
	return format{}, 0, false
}
