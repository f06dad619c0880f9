// Package phonetest provides a fake phone.Media for tests: streams that bind
// nothing, record what phone asks of them, and let a test inject events.
package phonetest

import (
	"errors"
	"net/netip"
	"sync"
	"time"

	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// ErrClosed is returned by a Stream used after Close.
var ErrClosed = errors.New("phonetest: stream closed")

// Media hands out fake Streams with distinct even ports.
type Media struct {
	mu      sync.Mutex
	next    int
	streams []*Stream
	Fail    error // returned by NewStream when set
}

var _ phone.Media = (*Media)(nil)

// NewStream returns a fake stream.
func (m *Media) NewStream(local netip.Addr) (phone.Stream, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return nil, m.Fail
	}
	if m.next == 0 {
		m.next = 40000
	}
	s := &Stream{port: m.next, Local: local}
	m.next += 2
	m.streams = append(m.streams, s)
	return s, nil
}

// Streams returns every stream made so far.
func (m *Media) Streams() []*Stream {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*Stream(nil), m.streams...)
}

// Open counts streams not yet closed.
func (m *Media) Open() int {
	n := 0
	for _, s := range m.Streams() {
		if !s.Closed() {
			n++
		}
	}
	return n
}

// Stream is a fake phone.Stream.
type Stream struct {
	Local netip.Addr
	port  int

	mu      sync.Mutex
	started bool
	closed  bool
	params  []media.Params // Start, then each Update
	digits  []rune
	rx      uint64 // RTP packets "received" (ReceiveRTP)
	onEvent func(media.Event)
}

var _ phone.Stream = (*Stream)(nil)

// LocalPort is the fake RTP port.
func (s *Stream) LocalPort() int { return s.port }

// Start records p.
func (s *Stream) Start(p media.Params, onEvent func(media.Event)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.started, s.onEvent = true, onEvent
	s.params = append(s.params, p)
	return nil
}

// Update records p.
func (s *Stream) Update(p media.Params) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.params = append(s.params, p)
	return nil
}

// SendDTMF records the digit.
func (s *Stream) SendDTMF(digit rune, _ time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.digits = append(s.digits, digit)
	return nil
}

// Stats counts one packet sent per recorded Start/Update, and the packets
// received through ReceiveRTP.
func (s *Stream) Stats() media.Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return media.Stats{RTPRx: s.rx, RTPTx: uint64(len(s.params))}
}

// ReceiveRTP counts n RTP packets as received from the peer.
func (s *Stream) ReceiveRTP(n uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rx += n
}

// Close marks the stream closed.
func (s *Stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// Closed reports whether Close was called.
func (s *Stream) Closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Started reports whether Start was called.
func (s *Stream) Started() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started
}

// Params returns the Params of Start and of each Update.
func (s *Stream) Params() []media.Params {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]media.Params(nil), s.params...)
}

// Digits returns the digits sent with SendDTMF.
func (s *Stream) Digits() []rune {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]rune(nil), s.digits...)
}

// Emit delivers ev as if the media engine had produced it.
func (s *Stream) Emit(ev media.Event) {
	s.mu.Lock()
	f := s.onEvent
	s.mu.Unlock()
	if f != nil {
		f(ev)
	}
}
