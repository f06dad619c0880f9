package media

import (
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/skoip/skoip/media/codec"
	"github.com/skoip/skoip/media/dtmf"
	"github.com/skoip/skoip/media/jitter"
	"github.com/skoip/skoip/media/rtpsess"
)

// Stream is one call's audio: an RTP session, its playout buffer and DTMF.
type Stream struct {
	e    *Engine
	sess *rtpsess.Session
	log  *slog.Logger

	mu      sync.Mutex // guards everything below
	p       Params
	codec   codec.Codec
	jb      *jitter.Buffer
	events  chan Event // to the goroutine that calls Start's onEvent; nil until Start
	started bool
	closed  bool
	frame   int    // samples per packet (8 kHz)
	ts      uint32 // media clock of the next frame
	talking bool   // last frame was sent (marker on resumption)
	enc     []byte
	dtmfTx  dtmf.Sender
	dtmfRx  dtmf.Receiver
	cnTx    cnSender
	cnRx    comfortNoise

	rxHook func(*rtp.Packet) // tests: called after each accepted packet is handled
}

func newStream(e *Engine, local netip.Addr) (*Stream, error) {
	s := &Stream{e: e, frame: frameSamples(nil), enc: make([]byte, 0, 1500)}
	sess, err := rtpsess.New(rtpsess.Config{
		Local: local, PortMin: e.cfg.PortMin, PortMax: e.cfg.PortMax, ClockRate: codecRate,
		Timeout: e.cfg.RTPTimeout, Logger: e.log,
		OnRTP: s.onRTP, OnTimeout: func() { s.emit(Event{Kind: EventTimeout}) },
		Polled: true, // by the engine's device period (Engine.callback)
	})
	if err != nil {
		return nil, fmt.Errorf("rtpsess.New: %w", err)
	}
	s.sess = sess
	s.cnRx = newComfortNoise(uint64(sess.SSRC()))
	s.log = e.log.With("rtp_port", sess.LocalPort())
	return s, nil
}

// LocalPort is the bound RTP port (for SDP).
func (s *Stream) LocalPort() int { return s.sess.LocalPort() }

// Start begins sending and receiving with the negotiated p, and takes the
// audio device. onEvent is called, in order, on a goroutine of the stream
// (never on the audio device's), and may block.
func (s *Stream) Start(p Params, onEvent func(Event)) error {
	c, err := codec.ByName(p.Codec, p.PayloadType)
	if err != nil {
		return fmt.Errorf("codec.ByName: %w", err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.applyLocked(p, c)
	if !s.started {
		s.events = make(chan Event, eventBuffer)
		go s.dispatch(onEvent, s.events)
	}
	s.jb = s.newJitter(c)
	s.started = true
	s.mu.Unlock()
	if err := s.sess.Start(peerOf(p)); err != nil {
		return fmt.Errorf("rtpsess.Start: %w", err)
	}
	s.e.activate(s)
	s.log.Info("media started", "remote", p.Remote, "codec", p.Codec, "pt", p.PayloadType, "ptime", p.PTime)
	return nil
}

// newJitter builds a playout buffer that decodes with c.
func (s *Stream) newJitter(c codec.Codec) *jitter.Buffer {
	return jitter.New(jitter.Config{ClockRate: codecRate, Min: s.e.cfg.JitterMin, Max: s.e.cfg.JitterMax, Decode: c.Decode})
}

// Update applies a re-INVITE: new address, direction or hold. The codec
// may change too: the playout buffer then starts afresh with it (its
// counters restart).
func (s *Stream) Update(p Params) error {
	c, err := codec.ByName(p.Codec, p.PayloadType)
	if err != nil {
		return fmt.Errorf("codec.ByName: %w", err)
	}
	s.mu.Lock()
	if !s.started {
		s.mu.Unlock()
		return ErrNotStarted
	}
	if s.codec.Name() != c.Name() {
		s.jb = s.newJitter(c)
	}
	s.applyLocked(p, c)
	s.mu.Unlock()
	if err := s.sess.Update(peerOf(p)); err != nil {
		return fmt.Errorf("rtpsess.Update: %w", err)
	}
	return nil
}

func (s *Stream) applyLocked(p Params, c codec.Codec) {
	if p.PTime <= 0 {
		p.PTime = defaultPTime
	}
	s.p, s.codec = p, c
	s.frame = int(int64(codecRate) * int64(p.PTime) / int64(time.Second))
}

// peerOf maps Params to the session's peer and direction.
func peerOf(p Params) rtpsess.Peer {
	peer := rtpsess.Peer{
		RTP:  p.Remote,
		Send: p.Direction == SendRecv || p.Direction == SendOnly,
		Recv: p.Direction == SendRecv || p.Direction == RecvOnly,
	}
	if p.SRTP != nil {
		peer.SRTP = &rtpsess.SRTP{Suite: p.SRTP.Suite, LocalKey: p.SRTP.LocalKey, RemoteKey: p.SRTP.RemoteKey}
	}
	return peer
}

// Close sends RTCP BYE, releases the ports and gives the device back.
func (s *Stream) Close() error {
	s.mu.Lock()
	s.closed = true
	if s.events != nil {
		close(s.events) // the dispatcher delivers what is queued, then ends
		s.events = nil
	}
	s.mu.Unlock()
	s.e.deactivate(s)
	if err := s.sess.Close(); err != nil {
		return fmt.Errorf("rtpsess.Close: %w", err)
	}
	return nil
}

// eventBuffer is how many events may wait for a slow onEvent; more are
// dropped (and logged) rather than stall the audio period.
const eventBuffer = 32

// emit queues ev for onEvent. It never blocks: DTMF is found on the audio
// device's goroutine, which must not wait for the call's owner.
func (s *Stream) emit(ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.events == nil {
		return
	}
	select {
	case s.events <- ev:
	default:
		s.log.Warn("media event dropped: handler not keeping up", "kind", ev.Kind)
	}
}

// dispatch calls fn for each queued event until the stream closes.
func (s *Stream) dispatch(fn func(Event), events <-chan Event) {
	for ev := range events {
		if fn != nil {
			fn(ev)
		}
	}
}

// poll reads the RTP that arrived since the last period (device goroutine).
func (s *Stream) poll() { s.sess.Poll() }

// onRTP routes a received packet: telephone-event to the DTMF receiver,
// comfort noise to the noise generator, audio to the playout buffer (which
// copies it). Unknown payload types are ignored.
func (s *Stream) onRTP(pkt *rtp.Packet, at time.Time, newSrc bool) {
	if s.rxHook != nil {
		defer s.rxHook(pkt)
	}
	s.mu.Lock()
	if newSrc && s.jb != nil {
		s.jb.Reset()
		s.dtmfRx.Reset()
		s.cnRx.reset()
	}
	var digit rune
	var isDigit bool
	switch {
	case s.jb == nil:
	case s.p.DTMFType != 0 && pkt.PayloadType == s.p.DTMFType:
		digit, isDigit = s.dtmfRx.Handle(pkt.Timestamp, pkt.Payload)
	case s.p.CNType != 0 && pkt.PayloadType == s.p.CNType:
		s.cnRx.onCN(pkt.Payload)
	case pkt.PayloadType == s.p.PayloadType:
		s.cnRx.onAudio()
		jb := s.jb
		s.mu.Unlock()
		jb.Put(pkt.Timestamp, pkt.Payload, at)
		return
	}
	s.mu.Unlock()
	if isDigit {
		s.log.Info("dtmf received", "digit", string(digit))
		s.emit(Event{Kind: EventDTMF, Digit: digit})
	}
}
