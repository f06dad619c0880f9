package media

import (
	"time"
)

// sendFrame is called on the device goroutine with one frame (engine rate) of the
// stream's ptime. Silence (speech false) is not sent, or is described by
// RFC 3389 comfort noise packets when CN was negotiated; the first frame
// after it carries the marker. A DTMF event in progress replaces the audio.
func (s *Stream) sendFrame(f []int16, speech bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started || s.closed || len(f) != s.frame {
		return
	}
	ts := s.ts
	s.ts += s.codec.tsUnits(s.frame)
	if s.dtmfTx.Active() {
		if pkt, ok := s.dtmfTx.Next(); ok {
			s.logSendErr(s.sess.SendRTP(s.p.DTMFType, pkt.Marker, pkt.TS, pkt.Payload[:]))
		}
		s.talking = false
		s.cnTx.speech()
		return
	}
	if !speech {
		s.talking = false
		s.sendSilenceLocked(f, ts)
		return
	}
	s.cnTx.speech()
	s.enc = s.codec.encode(s.enc[:0], f)
	if s.codec.dtx(s.enc) {
		s.talking = false // the encoder's DTX: nothing worth sending
		return
	}
	s.logSendErr(s.sess.SendRTP(s.p.PayloadType, !s.talking, ts, s.enc))
	s.talking = true
}

func (s *Stream) logSendErr(err error) {
	if err != nil {
		s.log.Debug("rtp send failed", "err", err)
	}
}

// readPlayout fills c from the playout buffer; false when the stream does
// not play (not started, send-only, inactive).
func (s *Stream) readPlayout(c []int16, now time.Time) bool {
	s.mu.Lock()
	jb := s.jb
	play := s.started && !s.closed && (s.p.Direction == SendRecv || s.p.Direction == RecvOnly)
	s.mu.Unlock()
	if !play || jb == nil {
		return false
	}
	audio := jb.Read(c, now)
	s.mu.Lock()
	s.cnRx.fill(c, audio)
	s.mu.Unlock()
	return true
}

// SendDTMF sends digit as an RFC 4733 event lasting d (at least one ptime),
// starting with the next frame.
func (s *Stream) SendDTMF(digit rune, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		return ErrNotStarted
	}
	if s.p.DTMFType == 0 {
		return ErrNoDTMF
	}
	rate := s.p.DTMFRate
	if rate <= 0 {
		rate = s.codec.c.ClockRate()
	}
	if err := s.dtmfTx.Start(digit, d, s.ts, s.p.PTime, rate); err != nil {
		return err
	}
	return nil
}

// DTMFBusy says whether an event is still being sent.
func (s *Stream) DTMFBusy() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dtmfTx.Active()
}

// Stats merges the session's and the playout buffer's counters.
func (s *Stream) Stats() Stats {
	st := s.sess.Stats()
	out := Stats{
		RTPRx: st.RTPRx, RTPTx: st.RTPTx, BytesRx: st.BytesRx, BytesTx: st.BytesTx,
		Lost: st.Lost, Jitter: st.Jitter, RTT: st.RTT, ForeignDropped: st.ForeignDropped,
		SRTPDropped: st.SRTPDropped,
	}
	s.mu.Lock()
	jb := s.jb
	s.mu.Unlock()
	if jb != nil {
		js := jb.Stats()
		out.PlayoutDelay, out.Underruns, out.Concealed, out.Recovered = js.Delay, js.Underruns, js.Concealed, js.Recovered
		out.Late, out.Discarded = js.Late, js.Discarded
	}
	s.mu.Lock()
	out.CNRx, out.CNTx = s.cnRx.received, s.cnTx.sent
	if s.codec != nil {
		out.CodecRate = s.codec.c.SampleRate()
	}
	s.mu.Unlock()
	out.EngineRate = s.e.cfg.Rate
	es := s.e.path.echo.stats()
	out.ERLE, out.EchoDelay, out.NoiseDB = es.ERLEdB, es.Delay, es.NoiseDB
	return out
}
