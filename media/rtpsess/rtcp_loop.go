package rtpsess

import (
	"time"
)

// rtcpLoop sends reports on the randomised interval and watches for the RTP
// timeout.
func (s *Session) rtcpLoop() {
	defer s.wg.Done()
	next := nextInterval(s.cfg.Rand, true)
	timer := time.NewTimer(next)
	defer timer.Stop()
	timedOut := false
	due := s.cfg.Now().Add(next)
	for {
		wait := due.Sub(s.cfg.Now())
		if t := s.timeoutIn(); !timedOut && t >= 0 && t < wait {
			wait = t
		}
		timer.Reset(max(wait, 0))
		select {
		case <-s.done:
			return
		case <-timer.C:
		}
		// A polled session whose owner stopped polling (an audio device
		// being reopened) still counts the RTP that arrived.
		s.drain()
		now := s.cfg.Now()
		if !timedOut && s.timeoutIn() == 0 {
			timedOut = true
			s.log.Warn("rtp timeout", "after", s.cfg.Timeout)
			if s.cfg.OnTimeout != nil {
				s.cfg.OnTimeout()
			}
		}
		if !now.Before(due) {
			s.sendReport(now)
			due = now.Add(nextInterval(s.cfg.Rand, false))
		}
	}
}

// timeoutIn is how long until the RTP timeout fires: -1 when disabled, 0 when
// already due.
func (s *Session) timeoutIn() time.Duration {
	if s.cfg.Timeout <= 0 {
		return -1
	}
	s.mu.Lock()
	last := s.lastRx
	s.mu.Unlock()
	return max(s.cfg.Timeout-s.cfg.Now().Sub(last), 0)
}

// sendReport builds and sends one compound report to the peer's RTCP port.
func (s *Session) sendReport(now time.Time) {
	b, err := s.buildReport(now)
	if err != nil {
		s.log.Warn("rtcp report not built", "err", err)
		return
	}
	s.writeRTCP(b)
}

// sendBye sends the closing compound with BYE.
func (s *Session) sendBye() {
	b, err := s.buildBye()
	if err != nil {
		s.log.Warn("rtcp bye not built", "err", err)
		return
	}
	s.writeRTCP(b)
}

func (s *Session) writeRTCP(b []byte) {
	s.mu.Lock()
	dst := s.rtcpDst
	ok := dst.IsValid() && !dst.Addr().IsUnspecified() && dst.Port() != 0
	if ok {
		s.stats.RTCPTx++
	}
	s.mu.Unlock()
	if !ok {
		return
	}
	// rtcpTx.mu is held until the datagram is written: the report loop and
	// Close's BYE share rtcpTx.buf.
	s.rtcpTx.mu.Lock()
	defer s.rtcpTx.mu.Unlock()
	if s.rtcpTx.ctx != nil {
		var err error
		if b, err = s.rtcpTx.ctx.EncryptRTCP(s.rtcpTx.buf[:0], b, &s.rtcpTx.rtcpHdr); err != nil {
			s.log.Warn("srtcp protect failed", "err", err)
			return
		}
	}
	if _, err := s.rtcpConn.WriteToUDPAddrPort(b, dst); err != nil {
		s.log.Debug("rtcp send failed", "err", err)
	}
}
