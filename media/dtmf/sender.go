package dtmf

import "time"

// endRepeats is how many times the final packet is sent (RFC 4733 2.5.1.4).
const endRepeats = 3

// DefaultVolume is the level sent, in -dBm0.
const DefaultVolume = 10

// Packet is one telephone-event packet to send.
type Packet struct {
	Marker  bool
	TS      uint32 // media timestamp of the event start (same for all packets)
	Payload [PayloadSize]byte
}

// Sender produces the packets of one event at a time, one per packet
// interval: call Start, then Next on every interval until it reports done.
type Sender struct {
	event    uint8
	ts       uint32
	step     uint16 // duration added per packet
	total    uint16 // full duration
	duration uint16 // duration carried so far
	ends     int    // end packets sent
	active   bool
}

// Start begins an event for digit lasting d, starting at media timestamp ts,
// with packets every ptime at the given clock rate.
func (s *Sender) Start(digit rune, d time.Duration, ts uint32, ptime time.Duration, rate int) error {
	ev, err := EventOf(digit)
	if err != nil {
		return err
	}
	if s.active {
		return ErrBusy
	}
	step := units(ptime, rate)
	total := max(units(d, rate), step)
	*s = Sender{event: ev, ts: ts, step: step, total: total, active: true}
	return nil
}

// Active says whether an event is in progress.
func (s *Sender) Active() bool { return s.active }

// Next returns the next packet, and false when the event is over.
func (s *Sender) Next() (Packet, bool) {
	if !s.active {
		return Packet{}, false
	}
	first := s.duration == 0
	if s.duration < s.total {
		s.duration = min(s.duration+s.step, s.total)
	}
	p := Payload{Event: s.event, Volume: DefaultVolume, Duration: s.duration}
	if s.duration >= s.total {
		p.End = true
		s.ends++
		if s.ends >= endRepeats {
			s.active = false
		}
	}
	pkt := Packet{Marker: first, TS: s.ts}
	_, _ = p.MarshalTo(pkt.Payload[:]) // cannot fail: Payload is PayloadSize bytes
	return pkt, true
}

// units converts a duration to RTP units, capped to the 16-bit field.
func units(d time.Duration, rate int) uint16 {
	n := int64(d) * int64(rate) / int64(time.Second)
	return uint16(min(max(n, 1), 0xffff))
}
