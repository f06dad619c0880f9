package rtpsess

import (
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/pion/rtp"
)

// maxDatagram bounds what one RTP packet may occupy.
const maxDatagram = 1500

// sender holds the outgoing stream's header state and a reused buffer.
type sender struct {
	mu      sync.Mutex
	hdr     rtp.Header
	tsBase  uint32
	packets uint32
	octets  uint32
	lastTS  uint32 // last RTP timestamp sent (wire value)
	lastAt  time.Time
	sentAny bool
	buf     [maxDatagram]byte
}

func (w *sender) init(ssrc uint32, seq uint16, tsBase uint32) {
	w.hdr = rtp.Header{Version: 2, SSRC: ssrc, SequenceNumber: seq}
	w.tsBase = tsBase
}

// SendRTP sends one RTP packet with the given payload type, marker and media
// timestamp. ts counts samples from the stream's start; the session adds its
// random base, and numbers packets itself. It does nothing (and returns nil)
// while the peer direction does not include sending. With SRTP keys the
// packet goes out as SRTP (ErrPayloadTooLarge when the tag does not fit).
func (s *Session) SendRTP(pt uint8, marker bool, ts uint32, payload []byte) error {
	dst, ok := s.sendDst()
	if !ok {
		return nil
	}
	w := &s.send
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.packet(pt, marker, ts, payload)
	if err != nil {
		return err
	}
	out, err := s.rtpTx.protectRTP(w.buf[:n]) // w.mu serialises the use of rtpTx.buf
	if err != nil {
		return fmt.Errorf("rtpsess.SendRTP: %w", err)
	}
	w.lastAt = s.cfg.Now()
	if _, err := s.rtpIO.WriteToUDPAddrPort(out, dst); err != nil {
		return fmt.Errorf("rtpsess.SendRTP: %w", err)
	}
	w.packets++
	w.octets += uint32(len(payload))
	s.countTx(len(payload))
	return nil
}

// packet marshals header and payload into w.buf and advances the sequence.
func (w *sender) packet(pt uint8, marker bool, ts uint32, payload []byte) (int, error) {
	w.hdr.PayloadType = pt
	w.hdr.Marker = marker
	w.hdr.Timestamp = w.tsBase + ts
	n, err := w.hdr.MarshalTo(w.buf[:])
	if err != nil {
		return 0, fmt.Errorf("rtp.Header.MarshalTo: %w", err)
	}
	if n+len(payload) > len(w.buf) {
		return 0, ErrPayloadTooLarge
	}
	n += copy(w.buf[n:], payload)
	w.hdr.SequenceNumber++
	w.lastTS = w.hdr.Timestamp
	w.sentAny = true
	return n, nil
}

// senderInfo returns the counters an SR needs.
func (w *sender) senderInfo() senderInfo {
	w.mu.Lock()
	defer w.mu.Unlock()
	return senderInfo{w.packets, w.octets, w.lastTS, w.lastAt, w.sentAny}
}

type senderInfo struct {
	packets, octets, lastTS uint32
	lastAt                  time.Time
	sent                    bool
}

func (s *Session) sendDst() (netip.AddrPort, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := s.started && !s.closed && s.peer.Send && s.rtpDst.IsValid() &&
		!s.rtpDst.Addr().IsUnspecified() && s.rtpDst.Port() != 0
	return s.rtpDst, ok
}

func (s *Session) countTx(n int) {
	s.mu.Lock()
	s.stats.RTPTx++
	s.stats.BytesTx += uint64(n)
	s.mu.Unlock()
}
