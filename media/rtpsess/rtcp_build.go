package rtpsess

import (
	"fmt"
	"time"

	"github.com/pion/rtcp"
)

// buildReport makes the compound packet due at now: an SR if we sent RTP in
// the last two intervals, else an RR, followed by SDES CNAME. It advances the
// interval loss counters of the report block.
func (s *Session) buildReport(now time.Time) ([]byte, error) {
	info := s.send.senderInfo()
	s.mu.Lock()
	blocks := s.reportBlocksLocked(now)
	sending := s.peer.Send && info.sent && now.Sub(info.lastAt) < 2*ReportInterval
	s.mu.Unlock()

	var first rtcp.Packet
	if sending {
		elapsed := s.rtpUnitsBetween(info.lastAt, now)
		first = &rtcp.SenderReport{
			SSRC:        s.ssrc,
			NTPTime:     toNTP(now),
			RTPTime:     info.lastTS + uint32(elapsed),
			PacketCount: info.packets,
			OctetCount:  info.octets,
			Reports:     blocks,
		}
	} else {
		first = &rtcp.ReceiverReport{SSRC: s.ssrc, Reports: blocks}
	}
	b, err := rtcp.Marshal([]rtcp.Packet{first, rtcp.NewCNAMESourceDescription(s.ssrc, s.cfg.CNAME)})
	if err != nil {
		return nil, fmt.Errorf("rtcp.Marshal: %w", err)
	}
	return b, nil
}

// reportBlocksLocked returns the reception report about the remote source,
// if one is being received.
func (s *Session) reportBlocksLocked(now time.Time) []rtcp.ReceptionReport {
	if s.src == nil || !s.peer.Recv {
		return nil
	}
	var dlsr uint32
	if s.lsr != 0 {
		dlsr = toNTPShort(now.Sub(s.lsrAt))
	}
	return []rtcp.ReceptionReport{s.src.report(s.lsr, dlsr)}
}

// buildBye makes the compound sent at close: RR, SDES CNAME and BYE.
func (s *Session) buildBye() ([]byte, error) {
	b, err := rtcp.Marshal([]rtcp.Packet{
		&rtcp.ReceiverReport{SSRC: s.ssrc},
		rtcp.NewCNAMESourceDescription(s.ssrc, s.cfg.CNAME),
		&rtcp.Goodbye{Sources: []uint32{s.ssrc}},
	})
	if err != nil {
		return nil, fmt.Errorf("rtcp.Marshal: %w", err)
	}
	return b, nil
}

func (s *Session) rtpUnitsBetween(from, to time.Time) int64 {
	return int64(to.Sub(from)) * s.clock.Load() / int64(time.Second)
}
