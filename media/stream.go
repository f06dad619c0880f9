package media

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/pion/rtp"
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
	codec   *streamCodec
	jb      *jitter.Buffer
	events  chan Event // to the goroutine that calls Start's onEvent; nil until Start
	started bool
	closed  bool
	frame   int    // samples per packet at the engine's rate
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
	s := &Stream{e: e, frame: frameSamples(nil, e.cfg.Rate), enc: make([]byte, 0, 1500)}
	sess, err := rtpsess.New(rtpsess.Config{
		Local: local, PortMin: e.cfg.PortMin, PortMax: e.cfg.PortMax, ClockRate: narrowRate,
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
	c, err := newStreamCodec(p, s.e.cfg.Rate, s.e.cfg.Opus)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.Join(ErrClosed, c.close())
	}
	old, oldJB := s.codec, s.jb
	s.applyLocked(p, c)
	if !s.started {
		s.events = make(chan Event, eventBuffer)
		go s.dispatch(onEvent, s.events)
	}
	s.jb = s.newJitter(c, p.PTime)
	s.started = true
	s.mu.Unlock()
	if err := retire(old, oldJB); err != nil {
		s.log.Warn("codec close failed", "err", err)
	}
	if err := s.sess.Start(peerOf(p, c)); err != nil {
		return fmt.Errorf("rtpsess.Start: %w", err)
	}
	s.e.activate(s)
	s.log.Info("media started", "remote", p.Remote, "codec", p.Codec, "pt", p.PayloadType, "ptime", p.PTime,
		"codec_rate", c.c.SampleRate(), "engine_rate", s.e.cfg.Rate)
	return nil
}

// newJitter builds a playout buffer that decodes with c. Codecs with their
// own concealment (Opus) get a playout delay of at least three packets, so
// that the packet after a loss is there to recover it from (FEC): with
// two, the level settles low enough that half the losses found no next
// packet (7 of 14 rebuilt at 36 ms of delay, 1 of 6 at 24 ms).
func (s *Stream) newJitter(c *streamCodec, ptime time.Duration) *jitter.Buffer {
	if ptime <= 0 {
		ptime = defaultPTime
	}
	num, den := c.tsScale()
	cfg := jitter.Config{ClockRate: s.e.cfg.Rate, Min: s.e.cfg.JitterMin, Max: s.e.cfg.JitterMax,
		Decode: c.decode, Samples: c.samples, TSNum: num, TSDen: den,
		MaxFrame: s.e.cfg.Rate * maxPTimeMS / 1000}
	if c.conceal != nil {
		cfg.Conceal, cfg.DecodeFEC = c.concealN, c.decodeFEC
		cfg.Min = max(cfg.Min, 3*ptime)
		if cfg.Max > 0 && cfg.Max < cfg.Min {
			cfg.Max = cfg.Min
		}
	}
	return jitter.New(cfg)
}

// retire frees a codec the stream no longer uses, once its playout buffer
// is closed (the device goroutine may be decoding in it until then).
func retire(c *streamCodec, jb *jitter.Buffer) error {
	if jb != nil {
		jb.Close()
	}
	if c == nil {
		return nil
	}
	return c.close()
}

// Update applies a re-INVITE: new address, direction or hold. A new codec,
// payload type or fmtp gets a new codec instance and a new playout buffer
// (its counters restart).
func (s *Stream) Update(p Params) error {
	s.mu.Lock()
	if !s.started {
		s.mu.Unlock()
		return ErrNotStarted
	}
	same := strings.EqualFold(s.p.Codec, p.Codec) && s.p.PayloadType == p.PayloadType && s.p.FMTP == p.FMTP &&
		(s.p.PTime == p.PTime || p.PTime <= 0 && s.p.PTime == defaultPTime)
	c := s.codec
	s.mu.Unlock()
	var oldC *streamCodec
	var oldJB *jitter.Buffer
	if !same {
		nc, err := newStreamCodec(p, s.e.cfg.Rate, s.e.cfg.Opus)
		if err != nil {
			return err
		}
		c = nc
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		if !same {
			return errors.Join(ErrClosed, c.close())
		}
		return ErrClosed
	}
	if !same {
		oldC, oldJB = s.codec, s.jb
		s.jb = s.newJitter(c, p.PTime)
	}
	s.applyLocked(p, c)
	s.mu.Unlock()
	if err := retire(oldC, oldJB); err != nil {
		s.log.Warn("codec close failed", "err", err)
	}
	if err := s.sess.Update(peerOf(p, c)); err != nil {
		return fmt.Errorf("rtpsess.Update: %w", err)
	}
	return nil
}

func (s *Stream) applyLocked(p Params, c *streamCodec) {
	if p.PTime <= 0 {
		p.PTime = defaultPTime
	}
	s.p, s.codec = p, c
	s.frame = int(int64(s.e.cfg.Rate) * int64(p.PTime) / int64(time.Second))
}

// peerOf maps Params to the session's peer and direction.
func peerOf(p Params, c *streamCodec) rtpsess.Peer {
	peer := rtpsess.Peer{
		ClockRate: c.c.ClockRate(),
		RTP:       p.Remote,
		Send:      p.Direction == SendRecv || p.Direction == SendOnly,
		Recv:      p.Direction == SendRecv || p.Direction == RecvOnly,
	}
	if p.SRTP != nil {
		peer.SRTP = &rtpsess.SRTP{Suite: p.SRTP.Suite, LocalKey: p.SRTP.LocalKey, RemoteKey: p.SRTP.RemoteKey}
	}
	return peer
}

// Close sends RTCP BYE, releases the ports, gives the device back and
// frees the codec.
func (s *Stream) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	if s.events != nil {
		close(s.events) // the dispatcher delivers what is queued, then ends
		s.events = nil
	}
	c, jb := s.codec, s.jb
	s.mu.Unlock()
	s.e.deactivate(s)
	err := s.sess.Close()
	// sendFrame encodes under s.mu and sees closed; the buffer's Close
	// waits for a decode in progress.
	if cerr := retire(c, jb); cerr != nil {
		s.log.Warn("codec close failed", "err", cerr)
	}
	if err != nil {
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
