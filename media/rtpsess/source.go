package rtpsess

import "github.com/pion/rtcp"

// RFC 3550 appendix A.1 constants.
const (
	maxDropout  = 3000
	maxMisorder = 100
	seqMod      = 1 << 16
)

// source is the reception state of one remote SSRC: sequence tracking
// (RFC 3550 A.1), loss counters for report blocks (A.3) and interarrival
// jitter (A.8).
type source struct {
	ssrc          uint32
	maxSeq        uint16
	cycles        uint32 // shifted count of sequence number cycles
	baseSeq       uint32
	badSeq        uint32
	received      uint32
	expectedPrior uint32
	receivedPrior uint32
	transit       int64 // relative transit time of the previous packet, RTP units
	lastTS        uint32
	haveTransit   bool
	jitter        float64 // RTP units
}

// newSource starts tracking ssrc with its first sequence number.
func newSource(ssrc uint32, seq uint16) *source {
	s := &source{ssrc: ssrc}
	s.initSeq(seq)
	return s
}

func (s *source) initSeq(seq uint16) {
	s.baseSeq = uint32(seq)
	s.maxSeq = seq
	s.badSeq = seqMod + 1 // so seq == badSeq is false
	s.cycles = 0
	s.received = 0
	s.receivedPrior = 0
	s.expectedPrior = 0
}

// update records a packet's sequence number as A.1 does (without probation:
// the peer host is already checked). It reports false for a packet to drop: a
// large jump that has not yet been confirmed by its successor.
func (s *source) update(seq uint16) bool {
	udelta := seq - s.maxSeq
	switch {
	case udelta < maxDropout:
		if seq < s.maxSeq {
			s.cycles += seqMod
		}
		s.maxSeq = seq
	case uint32(udelta) <= seqMod-maxMisorder:
		if uint32(seq) != s.badSeq {
			s.badSeq = (uint32(seq) + 1) & (seqMod - 1)
			return false
		}
		// two sequential packets: the sender restarted its sequence
		s.initSeq(seq)
	default:
		// duplicate or reordered packet
	}
	s.received++
	return true
}

// updateJitter applies A.8 with arrival and timestamp in RTP units. A
// packet with the previous packet's timestamp is not a new sampling instant
// and is left out: RFC 4733 sends a whole key press (and three copies of its
// end) with the timestamp of its start, and a 200 ms press would otherwise
// read as up to 100 ms of jitter.
func (s *source) updateJitter(arrival int64, ts uint32) {
	transit := arrival - int64(ts)
	if s.haveTransit && ts == s.lastTS {
		return
	}
	s.lastTS = ts
	if !s.haveTransit {
		s.transit, s.haveTransit = transit, true
		return
	}
	d := transit - s.transit
	s.transit = transit
	// ts may have wrapped between the two packets: fold into int32 range
	d = int64(int32(d))
	if d < 0 {
		d = -d
	}
	s.jitter += (float64(d) - s.jitter) / 16
}

// extendedMax is the extended highest sequence number received.
func (s *source) extendedMax() uint32 { return s.cycles + uint32(s.maxSeq) }

// cumulativeLost is expected minus received (may be negative with duplicates).
func (s *source) cumulativeLost() int64 {
	expected := int64(s.extendedMax()) - int64(s.baseSeq) + 1
	return expected - int64(s.received)
}

// report builds the reception report block and advances the interval
// counters (A.3).
func (s *source) report(lsr, dlsr uint32) rtcp.ReceptionReport {
	expected := s.extendedMax() - s.baseSeq + 1
	expInt := expected - s.expectedPrior
	s.expectedPrior = expected
	recInt := s.received - s.receivedPrior
	s.receivedPrior = s.received
	lostInt := int64(expInt) - int64(recInt)
	var fraction uint8
	if expInt != 0 && lostInt > 0 {
		fraction = uint8((lostInt << 8) / int64(expInt))
	}
	return rtcp.ReceptionReport{
		SSRC:               s.ssrc,
		FractionLost:       fraction,
		TotalLost:          clampLost(s.cumulativeLost()),
		LastSequenceNumber: s.extendedMax(),
		Jitter:             uint32(s.jitter),
		LastSenderReport:   lsr,
		Delay:              dlsr,
	}
}

// clampLost fits a cumulative loss into RTCP's signed 24-bit field.
func clampLost(n int64) uint32 {
	const maxLost, minLost = 0x7fffff, -0x800000
	n = max(min(n, maxLost), minLost)
	return uint32(n) & 0xffffff
}
