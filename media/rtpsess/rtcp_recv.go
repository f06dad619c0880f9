package rtpsess

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/pion/rtcp"
)

// readRTCP is the RTCP receive goroutine.
func (s *Session) readRTCP() {
	defer s.wg.Done()
	buf := make([]byte, maxDatagram)
	for {
		n, from, err := s.rtcpConn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if s.isClosed() {
				return
			}
			continue
		}
		s.handleRTCP(buf[:n], from)
	}
}

// handleRTCP parses one compound packet from the peer host and applies it.
// With SRTP the compound is authenticated and decrypted first (after the
// check of the sender's host), as handleRTP does; a failure counts in
// SRTPDropped.
func (s *Session) handleRTCP(b []byte, from netip.AddrPort) {
	now := s.cfg.Now()
	if s.srtpOn.Load() && !s.fromPeer(from) {
		s.countForeign()
		return
	}
	b, ok := s.rtcpRx.unprotectRTCP(b)
	if !ok {
		s.countSRTPDropped()
		return
	}
	s.mu.Lock()
	if !s.fromPeerLocked(from) || !s.latchRTCPLocked(from) {
		s.stats.ForeignDropped++
		s.mu.Unlock()
		return
	}
	s.lastRx = now
	s.mu.Unlock()
	pkts, err := rtcp.Unmarshal(b)
	if err != nil {
		s.countInvalid()
		s.log.Debug("rtcp parse failed", "from", from, "err", err)
		return
	}
	s.mu.Lock()
	s.stats.RTCPRx++
	s.mu.Unlock()
	for _, p := range pkts {
		s.applyRTCP(p, now)
	}
}

func (s *Session) applyRTCP(p rtcp.Packet, now time.Time) {
	switch p := p.(type) {
	case *rtcp.SenderReport:
		s.mu.Lock()
		s.lsr, s.lsrAt = ntpMiddle(p.NTPTime), now
		s.mu.Unlock()
		s.logSR(p)
		s.applyBlocks(p.Reports, now)
	case *rtcp.ReceiverReport:
		s.log.Info("=== Receiver Report ===", "ssrc", p.SSRC)
		s.applyBlocks(p.Reports, now)
	case *rtcp.Goodbye:
		s.log.Info("rtcp bye received", "sources", p.Sources, "reason", p.Reason)
		if s.cfg.OnBye != nil {
			s.cfg.OnBye()
		}
	}
}

// logSR logs a sender report: SSRC, NTP and RTP timestamps, packet and
// octet counts.
func (s *Session) logSR(p *rtcp.SenderReport) {
	s.log.Info("=== Sender Report ===",
		"ssrc", p.SSRC,
		"ntp_timestamp", p.NTPTime>>32,
		"ntp_timestamp_frac", uint32(p.NTPTime),
		"rtp_timestamp", p.RTPTime,
		"packet_count", p.PacketCount,
		"octet_count", p.OctetCount)
}

// applyBlocks records the peer's report about our own SSRC, computes the
// round-trip time (RFC 3550 6.4.1) and logs loss and jitter.
func (s *Session) applyBlocks(blocks []rtcp.ReceptionReport, now time.Time) {
	for _, rb := range blocks {
		if rb.SSRC != s.ssrc {
			continue
		}
		var rtt time.Duration
		if rb.LastSenderReport != 0 {
			a := ntpMiddle(toNTP(now))
			rtt = fromNTPShort(a - rb.LastSenderReport - rb.Delay)
			if rtt > time.Minute { // clocks or fields are nonsense
				rtt = 0
			}
		}
		pr := PeerReport{
			FractionLost: float64(rb.FractionLost) / 256,
			TotalLost:    signed24(rb.TotalLost),
			Jitter:       s.unitsToDuration(float64(rb.Jitter)),
		}
		s.mu.Lock()
		s.peerStats = pr
		if rtt > 0 {
			s.rtt = rtt
		}
		s.mu.Unlock()
		s.log.Info("rtcp report block",
			"fraction_lost", pr.FractionLost, "cumulative_lost", pr.TotalLost,
			"jitter", pr.Jitter, "rtt", rtt,
			slog.Uint64("highest_seq", uint64(rb.LastSequenceNumber)))
	}
}

// signed24 interprets RTCP's 24-bit cumulative loss field.
func signed24(v uint32) int64 {
	v &= 0xffffff
	if v&0x800000 != 0 {
		return int64(v) - 0x1000000
	}
	return int64(v)
}
