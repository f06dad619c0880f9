package sdp

import (
	"fmt"

	"github.com/pion/sdp/v3"
)

// Offer writes our SDP offer (for an INVITE, a re-INVITE, or a 200 OK to
// an INVITE without SDP) and remembers it for Accept. The o= version goes
// up only when the offer differs from the last SDP we sent.
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
	d := description{addr: c.addr, media: []*sdp.MediaDescription{a.mediaDescription()}}
	s.mu.Lock()
	defer s.mu.Unlock()
	body, err := s.stamp(&d)
	if err != nil {
		return nil, fmt.Errorf("sdp.Offer: %w", err)
	}
	s.offered = &c
	return body, nil
}
