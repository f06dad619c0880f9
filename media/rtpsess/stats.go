package rtpsess

import "time"

// Stats are the session's counters.
type Stats struct {
	RTPRx, RTPTx     uint64 // packets accepted / sent
	BytesRx, BytesTx uint64 // payload octets
	Lost             int64  // cumulative lost from the current remote SSRC
	Jitter           time.Duration
	RTT              time.Duration
	ForeignDropped   uint64 // datagrams from hosts other than the peer
	Invalid          uint64 // datagrams that are not RTP v2
	SeqJumpDropped   uint64 // packets dropped by A.1's large-jump rule
	RTCPRx, RTCPTx   uint64
	SRTPDropped      uint64     // SRTP/SRTCP packets from the peer that failed: bad auth tag, replayed, undecryptable
	Peer             PeerReport // what the peer last reported about our stream
}

// PeerReport is the peer's last reception report about our stream.
type PeerReport struct {
	FractionLost float64 // 0..1
	TotalLost    int64
	Jitter       time.Duration
}

// Stats returns a snapshot of the counters.
func (s *Session) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.RTT = s.rtt
	st.Peer = s.peerStats
	if s.src != nil {
		st.Lost = s.src.cumulativeLost()
		st.Jitter = s.unitsToDuration(s.src.jitter)
	}
	return st
}

func (s *Session) unitsToDuration(u float64) time.Duration {
	return time.Duration(u * float64(time.Second) / float64(s.clock.Load()))
}
