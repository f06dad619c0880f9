package sdp

import (
	"fmt"
	"net/netip"

	"github.com/pion/sdp/v3"

	"github.com/skoip/skoip/media"
)

// Answer answers a remote offer (from an INVITE or a re-INVITE). It
// returns our answer and what was agreed for the audio stream. ErrBadSDP: the offer is
// malformed (SIP 400); ErrNoCommonCodec: no audio stream is acceptable
// (SIP 488). A failed Answer leaves the Session as it was.
func (s *Session) Answer(offer []byte, l Local) ([]byte, media.Params, error) {
	c, err := l.check()
	if err != nil {
		return nil, media.Params{}, fmt.Errorf("sdp.Answer: %w", err)
	}
	r, err := parse(offer)
	if err != nil {
		return nil, media.Params{}, fmt.Errorf("sdp.Answer: %w", err)
	}
	idx, f, pt, err := r.choose(c.codecs)
	if err != nil {
		return nil, media.Params{}, fmt.Errorf("sdp.Answer: %w", err)
	}
	st := &r.streams[idx]
	a, p, err := agree(st, f, pt, c)
	if err != nil {
		return nil, media.Params{}, fmt.Errorf("sdp.Answer: %w", err)
	}
	d := description{addr: c.addr, media: make([]*sdp.MediaDescription, len(r.streams))}
	for i := range r.streams {
		d.media[i] = rejected(r.streams[i].m)
	}
	d.media[idx] = a.mediaDescription()
	s.mu.Lock()
	defer s.mu.Unlock()
	body, err := s.stamp(&d)
	if err != nil {
		return nil, media.Params{}, fmt.Errorf("sdp.Answer: %w", err)
	}
	s.offered = nil
	s.rtcp = st.rtcpAddr(p.Remote)
	return body, p, nil
}

// choose picks the first live RTP/AVP audio stream that carries one of our
// codecs, and in it the first codec of our preference order.
func (r *remote) choose(codecs []format) (int, format, uint8, error) {
	for i := range r.streams {
		st := &r.streams[i]
		if !st.isAudioAVP() {
			continue
		}
		for _, f := range codecs {
			if pt, ok := st.find(f.name); ok {
				return i, f, pt, nil
			}
		}
	}
	return 0, format{}, 0, fmt.Errorf("%w: no RTP/AVP audio stream with %s", ErrNoCommonCodec, names(codecs))
}

func names(fs []format) string {
	s := ""
	for i, f := range fs {
		if i > 0 {
			s += ", "
		}
		s += f.name
	}
	return s
}

// agree settles the answered stream st on codec f (payload type pt):
// address, direction, ptime, telephone-event and comfort noise.
func agree(st *stream, f format, pt uint8, c checked) (audio, media.Params, error) {
	addr, err := st.addr()
	if err != nil {
		return audio{}, media.Params{}, err
	}
	dir := negotiate(st.effectiveDir(addr), c.dir)
	ptime := clampPTime(validPTime(st.ptime, c.ptime), st.maxptime)
	a := audio{port: c.port, maps: map[uint8]string{}, dtmf: -1, ptime: ptime, dir: dir}
	a.add(pt, f.name)
	p := media.Params{
		Remote:      netip.AddrPortFrom(addr, uint16(st.port)),
		PayloadType: pt, Codec: f.name, ClockRate: clockRate, PTime: ptime, Direction: dir,
	}
	if cn, ok := st.find(comfortNoise); ok {
		a.add(cn, comfortNoise)
		p.CNType = cn
	}
	if te, ok := st.find(telephoneEvent); ok && c.dtmf {
		a.add(te, telephoneEvent)
		a.dtmf, p.DTMFType = int(te), te
	}
	return a, p, nil
}
