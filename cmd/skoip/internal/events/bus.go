package events

import (
	"context"
	"errors"
	"sync"
	"time"
)

// MaxSubscribers bounds the subscriptions of a Bus at once.
const MaxSubscribers = 16

// ErrTooMany is Subscribe's answer when MaxSubscribers are subscribed.
var ErrTooMany = errors.New("events: too many subscribers")

// ErrClosed is Next's answer once the subscription was closed.
var ErrClosed = errors.New("events: subscription closed")

// Bus hands every published event to every subscriber without waiting.
// The zero value is not usable: use NewBus.
type Bus struct {
	mu   sync.Mutex
	seq  uint64
	subs map[*Sub]struct{}
	now  func() time.Time
}

// NewBus returns a bus whose events are stamped by now (nil: time.Now).
func NewBus(now func() time.Time) *Bus {
	if now == nil {
		now = time.Now
	}
	return &Bus{subs: map[*Sub]struct{}{}, now: now}
}

// Publish stamps ev with the next seq and the time and queues it for every
// subscriber; it never waits for a reader. It returns the stamped event.
func (b *Bus) Publish(ev Event) Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	ev.Seq, ev.Time = b.seq, b.now().UTC()
	for s := range b.subs {
		s.offer(ev)
	}
	return ev
}

// Subscribe returns a subscription whose queue holds up to n events (at
// least 2: an event after a gap comes with the notice of the gap).
func (b *Bus) Subscribe(n int) (*Sub, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.subs) >= MaxSubscribers {
		return nil, ErrTooMany
	}
	s := &Sub{bus: b, cap: max(n, 2), ready: make(chan struct{}, 1), now: b.now}
	b.subs[s] = struct{}{}
	return s, nil
}

// Sub is one subscriber's queue.
type Sub struct {
	bus   *Bus
	now   func() time.Time
	cap   int
	ready chan struct{} // one value: the queue may have events

	mu      sync.Mutex
	queue   []Event
	missed  uint64 // dropped since the last notice was queued
	dropped uint64 // dropped in all
	closed  bool
}

// offer queues ev, or counts it as dropped when the queue is full. After
// a gap, ev goes in only with the notice of the gap before it.
func (s *Sub) offer(ev Event) {
	s.mu.Lock()
	need := 1
	if s.missed > 0 {
		need = 2
	}
	if len(s.queue)+need > s.cap {
		s.missed++
		s.dropped++
	} else {
		if s.missed > 0 {
			s.queue = append(s.queue, Event{Type: Dropped, Time: ev.Time, Missed: s.missed})
			s.missed = 0
		}
		s.queue = append(s.queue, ev)
	}
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// Next returns the oldest queued event, waiting for one until ctx ends or
// the subscription is closed.
func (s *Sub) Next(ctx context.Context) (Event, error) {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return Event{}, ErrClosed
		}
		if len(s.queue) > 0 {
			ev := s.queue[0]
			s.queue[0] = Event{}
			s.queue = s.queue[1:]
			if len(s.queue) == 0 {
				s.queue = nil // let the backing array go
			}
			s.mu.Unlock()
			return ev, nil
		}
		if s.missed > 0 {
			// The gap is at the end: the reader is told now, not at
			// the next event, which may be long in coming.
			ev := Event{Type: Dropped, Time: s.now().UTC(), Missed: s.missed}
			s.missed = 0
			s.mu.Unlock()
			return ev, nil
		}
		s.mu.Unlock()
		select {
		case <-s.ready:
		case <-ctx.Done():
			return Event{}, ctx.Err()
		}
	}
}

// Dropped is how many events this subscriber has lost in all.
func (s *Sub) Dropped() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Close ends the subscription: Publish stops queuing for it and a waiting
// Next returns ErrClosed.
func (s *Sub) Close() {
	s.bus.mu.Lock()
	delete(s.bus.subs, s)
	s.bus.mu.Unlock()
	s.mu.Lock()
	s.closed, s.queue = true, nil
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
}
