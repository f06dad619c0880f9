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
	s.rtcp = st.rtcpAddr(p.Remote)
	return p, nil
}

// accepted reads the answerer's stream: the first of its formats that we
// offered is the codec we send.
func accepted(st *stream, c checked) (media.Params, error) {
	if !st.isAudioAVP() {
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
		PayloadType: pt, Codec: f.name, ClockRate: clockRate, PTime: ptime,
		Direction: negotiate(st.effectiveDir(addr), c.dir),
	}
	if te, ok := st.find(telephoneEvent); ok && c.dtmf {
		p.DTMFType = te
	}
	if cn, ok := st.find(comfortNoise); ok && c.cn {
		p.CNType = cn
	}
	return p, nil
}

// firstOf returns the stream's first payload type, in the stream's order,
// that carries one of fs.
func (s *stream) firstOf(fs []format) (format, uint8, bool) {
	for _, pt := range s.pts {
		for _, f := range fs {
			if s.is(pt, f.name) {
				return f, pt, true
			}
		}
	}
	return format{}, 0, false
}
