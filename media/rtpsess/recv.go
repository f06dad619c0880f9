package rtpsess

import (
	"net/netip"
	"time"

	"github.com/pion/rtp"
)

// readRTP is the receive goroutine: it reads datagrams into one reused
// buffer, filters them by source and hands accepted packets to OnRTP.
func (s *Session) readRTP() {
	defer s.wg.Done()
	buf := make([]byte, maxDatagram)
	var pkt rtp.Packet
	for {
		n, from, err := s.rtpConn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if s.isClosed() {
				return
			}
			s.log.Debug("rtp read failed", "err", err)
			continue
		}
		s.handleRTP(buf[:n], from, s.cfg.Now(), &pkt)
	}
}

// maxPollBatch bounds the datagrams one Poll handles, so that a flood cannot
// hold the audio period; the kernel drops what the socket cannot hold.
const maxPollBatch = 32

// Poll reads the RTP datagrams waiting on a polled session's socket and
// delivers the accepted ones (OnRTP) on the caller's goroutine, with their
// kernel arrival times. It never blocks on the network and does nothing on
// a session that is not polled, not started or closed.
func (s *Session) Poll() { s.poll(maxPollBatch) }

// maxDrain bounds drain: more than a socket buffer holds, yet a flood
// cannot keep it reading (and Poll waiting) for ever.
const maxDrain = 1024

// drain is Poll with a larger limit, for the RTCP goroutine's check while
// nobody polls: the newest arrivals are what count for the timeout.
func (s *Session) drain() { s.poll(maxDrain) }

func (s *Session) poll(limit int) {
	if s.poller == nil {
		return
	}
	s.pollMu.Lock()
	defer s.pollMu.Unlock()
	s.mu.Lock()
	live := s.started && !s.closed
	s.mu.Unlock()
	if !live {
		return
	}
	for read := 0; read < limit; {
		batch, err := s.poller.readBatch(s.cfg.Now)
		if err != nil {
			if !s.isClosed() {
				s.log.Debug("rtp read failed", "err", err)
			}
			return
		}
		for i := range batch {
			if d := &batch[i]; d.err != nil {
				s.countInvalid()
			} else {
				s.handleRTP(d.b, d.from, d.at, &s.pollPkt)
			}
		}
		if read += len(batch); len(batch) < pollBatch {
			return // the socket is empty: no second call to hear so
		}
	}
}

// handleRTP validates one datagram that arrived at now and delivers it. It
// is the per-packet receive path and allocates nothing in steady state.
//
// With SRTP, a datagram from the negotiated host is authenticated and
// decrypted (into rtpRx.buf, which the delivered packet then aliases)
// before anything else reads it: latching, SSRC and sequence tracking and
// the timeout see only authentic packets. One that fails is dropped and
// counted in SRTPDropped.
func (s *Session) handleRTP(b []byte, from netip.AddrPort, now time.Time, pkt *rtp.Packet) {
	if len(b) < 12 || b[0]>>6 != 2 {
		s.countInvalid()
		return
	}
	if s.srtpOn.Load() && !s.fromPeer(from) {
		s.countForeign()
		return
	}
	b, ok := s.rtpRx.unprotectRTP(b)
	if !ok {
		s.countSRTPDropped()
		return
	}
	if pkt.Unmarshal(b) != nil {
		s.countInvalid()
		return
	}
	newSrc, ok := s.acceptRTP(pkt, from, now)
	if !ok || s.cfg.OnRTP == nil {
		return
	}
	s.cfg.OnRTP(pkt, now, newSrc)
}

// acceptRTP applies the peer filter, symmetric RTP latching, SSRC change and
// sequence tracking, and updates the counters.
func (s *Session) acceptRTP(pkt *rtp.Packet, from netip.AddrPort, now time.Time) (newSrc, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.fromPeerLocked(from) || !s.latchLocked(from) {
		s.stats.ForeignDropped++
		return false, false
	}
	s.lastRx = now
	if !s.peer.Recv {
		return false, false
	}
	if s.src == nil || s.src.ssrc != pkt.SSRC {
		if s.src != nil {
			s.log.Info("remote ssrc changed", "old", s.src.ssrc, "new", pkt.SSRC)
		}
		s.src = newSource(pkt.SSRC, pkt.SequenceNumber)
		newSrc = true
	}
	if !s.src.update(pkt.SequenceNumber) {
		s.stats.SeqJumpDropped++
		return false, false
	}
	s.src.updateJitter(s.rtpUnits(now), pkt.Timestamp)
	s.stats.RTPRx++
	s.stats.BytesRx += uint64(len(pkt.Payload))
	return newSrc, true
}

// fromPeerLocked says whether a datagram comes from the negotiated host.
func (s *Session) fromPeerLocked(from netip.AddrPort) bool {
	want := s.peer.RTP.Addr()
	if !want.IsValid() || want.IsUnspecified() {
		return false
	}
	return from.Addr().Unmap() == want.Unmap()
}

// latchLocked applies symmetric RTP (RFC 4961) to a datagram from the
// negotiated host. The first datagram after Start or Update may come from
// any port of that host (a NAT's mapping): the session then sends there,
// and takes RTP only from that port or from the negotiated address itself.
// Another port of the host cannot take the stream mid-call: the datagram
// is dropped (ForeignDropped) until signalling (Update) agrees.
func (s *Session) latchLocked(from netip.AddrPort) bool {
	switch {
	case from == s.rtpDst:
		s.latched = true
		return true
	case from == s.peer.RTP || !s.latched:
		s.log.Debug("rtp peer address latched", "from", from, "was", s.rtpDst)
		s.rtpDst, s.latched = from, true
		return true
	}
	return false
}

// latchRTCPLocked is latchLocked for RTCP: the negotiated RTCP port is RTP+1.
func (s *Session) latchRTCPLocked(from netip.AddrPort) bool {
	negotiated := netip.AddrPortFrom(s.peer.RTP.Addr(), s.peer.RTP.Port()+1)
	switch {
	case from == s.rtcpDst:
		s.rtcpLatched = true
		return true
	case from == negotiated || !s.rtcpLatched:
		s.rtcpDst, s.rtcpLatched = from, true
		return true
	}
	return false
}

// fromPeer is fromPeerLocked for callers without s.mu.
func (s *Session) fromPeer(from netip.AddrPort) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fromPeerLocked(from)
}

func (s *Session) countForeign() {
	s.mu.Lock()
	s.stats.ForeignDropped++
	s.mu.Unlock()
}

func (s *Session) countSRTPDropped() {
	s.mu.Lock()
	s.stats.SRTPDropped++
	s.mu.Unlock()
}

func (s *Session) countInvalid() {
	s.mu.Lock()
	s.stats.Invalid++
	s.mu.Unlock()
}

func (s *Session) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}
