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
// (SIP 488); ErrNotAcceptable: the only streams with a common codec need
// SRTP we cannot agree (RTP/SAVP without a usable a=crypto, or any stream
// without one under CryptoRequired; SIP 488). A failed Answer leaves the
// Session as it was.
//
// SRTP: unless Local.Crypto is CryptoOff, the first a=crypto line of the
// chosen stream, in the offer's order, with a suite we support and a
// well-formed inline key is taken; we answer it with the same tag and suite
// and our own key, on the offer's transport (RTP/AVP or RTP/SAVP), and
// media.Params.SRTP holds both keys. When the peer repeats the key in
// force (a re-INVITE for hold) our key stays too; a new key from the peer
// gets a new one from us.
func (s *Session) Answer(offer []byte, l Local) ([]byte, media.Params, error) {
	c, err := l.check()
	if err != nil {
		return nil, media.Params{}, fmt.Errorf("sdp.Answer: %w", err)
	}
	r, err := parse(offer)
	if err != nil {
		return nil, media.Params{}, fmt.Errorf("sdp.Answer: %w", err)
	}
	ch, err := r.choose(c.codecs, c.crypto, c.own)
	if err != nil {
		return nil, media.Params{}, fmt.Errorf("sdp.Answer: %w", err)
	}
	st := &r.streams[ch.idx]
	a, p, err := agree(st, ch.f, ch.pt, c)
	if err != nil {
		return nil, media.Params{}, fmt.Errorf("sdp.Answer: %w", err)
	}
	a.savp = st.isAudioSAVP()
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch.srtp {
		ours := cryptoAttr{tag: ch.crypto.tag, suite: ch.crypto.suite, key: s.answerKeyLocked(ch.crypto)}
		a.crypto = []cryptoAttr{ours}
		p.SRTP = &media.SRTP{Suite: ours.suite, LocalKey: ours.key, RemoteKey: ch.crypto.key}
	}
	d := description{addr: c.addr, media: make([]*sdp.MediaDescription, len(r.streams))}
	for i := range r.streams {
		d.media[i] = rejected(r.streams[i].m)
	}
	d.media[ch.idx] = a.mediaDescription()
	body, err := s.stamp(&d)
	if err != nil {
		return nil, media.Params{}, fmt.Errorf("sdp.Answer: %w", err)
	}
	s.offered, s.offeredCrypto = nil, nil
	s.rtcp = st.rtcpAddr(p.Remote)
	s.agreeLocked(p.SRTP)
	p.SRTP = cloneSRTP(p.SRTP)
	return body, p, nil
}

// choice is the stream Answer takes: its index, codec and payload type,
// and the a=crypto line when SRTP is agreed.
type choice struct {
	idx    int
	f      format
	pt     uint8
	srtp   bool
	crypto cryptoAttr
}

// choose picks the first live audio stream that carries one of our codecs
// and whose security we can meet, and in it the first of the offer's
// formats that is one of our codecs (the offerer's order, RFC 3264 section
// 6.1), or with Local.OwnOrder the first of our codecs that the offer has. With CryptoOff only RTP/AVP streams count (a=crypto
// is ignored); otherwise RTP/SAVP streams count too, and a stream is
// taken with SRTP when it has a usable a=crypto line, as plain RTP when it
// has none, is RTP/AVP and SRTP is only optional, and not at all else.
func (r *remote) choose(codecs []format, crypto Crypto, own bool) (choice, error) {
	needSRTP := false // a stream with a common codec was passed over for want of SRTP
	for i := range r.streams {
		st := &r.streams[i]
		savp := st.isAudioSAVP()
		if !st.isAudioAVP() && !(savp && crypto != CryptoOff) {
			continue
		}
		ch := choice{idx: i}
		ok := false
		if own {
			for _, f := range codecs {
				if pt, found := st.find(f); found {
					ch.f, ch.pt, ok = f, pt, true
					break
				}
			}
		} else {
			ch.f, ch.pt, ok = st.firstOf(codecs)
		}
		if !ok {
			continue
		}
		if crypto != CryptoOff {
			ch.crypto, ch.srtp = st.usableCrypto()
		}
		if !ch.srtp && (savp || crypto == CryptoRequired) {
			needSRTP = true
			continue
		}
		return ch, nil
	}
	if needSRTP {
		return choice{}, fmt.Errorf("%w: no audio stream with a usable a=crypto (%s or %s, inline key of %d bytes, no MKI)",
			ErrNotAcceptable, suiteAES80, suiteAES32, keyLen)
	}
	return choice{}, fmt.Errorf("%w: no RTP/AVP audio stream with %s", ErrNoCommonCodec, names(codecs))
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
	a := audio{port: c.port, maps: map[uint8]string{}, ptime: ptime, dir: dir}
	a.add(pt, f, c.fmtpOf(f))
	p := media.Params{
		Remote:      netip.AddrPortFrom(addr, uint16(st.port)),
		PayloadType: pt, Codec: f.name, ClockRate: f.rate, FMTP: st.fmtps[pt], PTime: ptime, Direction: dir,
	}
	if cnf, _ := lookupFormat(comfortNoise); f.rate == cnf.rate {
		if cn, ok := st.find(cnf); ok {
			a.add(cn, cnf, "")
			p.CNType = cn
		}
	}
	if te, rate, ok := st.findEvent(f.rate); ok && c.dtmf {
		tf, _ := eventFormat(rate)
		a.add(te, tf, dtmfFMTP)
		p.DTMFType = te
		if rate != f.rate {
			p.DTMFRate = rate
		}
	}
	return a, p, nil
}
