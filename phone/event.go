package phone

import (
	"time"

	"github.com/skoip/skoip/media"
)

// EventKind says what an Event reports.
type EventKind int

// Event kinds.
const (
	// EventState: the call state changed (State, Reason).
	EventState EventKind = iota + 1
	// EventIncoming: a call is ringing here (Peer = caller).
	EventIncoming
	// EventRinging: the callee of our outgoing call is ringing (180/183).
	EventRinging
	// EventDTMF: a digit arrived (Digit; Source "rtp" or "info").
	EventDTMF
	// EventEnded: the call ended (Reason, Code = SIP status when one decided it).
	EventEnded
	// EventRegistration: the account's registration changed (Registered,
	// Reason, Code = the registrar's last status).
	EventRegistration
	// EventAttempt: a destination of DialAll is called (Reason "calling"),
	// answered ("answered") or out of the call (Reason, Code: why), with
	// Target as given to DialAll.
	EventAttempt
)

func (k EventKind) String() string {
	switch k {
	case EventState:
		return "state"
	case EventIncoming:
		return "incoming"
	case EventRinging:
		return "ringing"
	case EventDTMF:
		return "dtmf"
	case EventEnded:
		return "ended"
	case EventRegistration:
		return "registration"
	case EventAttempt:
		return "attempt"
	}
	return "unknown"
}

// Event is something that happened to the phone's call.
type Event struct {
	Kind   EventKind
	Time   time.Time
	State  State  // state after the event
	Reason string // why (state changes, end of call)
	Code   int    // SIP status code behind an end, if any
	Peer   string // the other party's URI
	CallID string
	Target string // EventAttempt: the target as given to DialAll
	Digit  rune   // EventDTMF
	Source string // EventDTMF: "rtp" or "info"
	// Secure (EventDTMF): the call is signalled over TLS with a peer that
	// proved who it is, and its audio is SRTP.
	Secure bool
	// Registered is the registration state after an EventRegistration.
	Registered bool
	// Quality is how an EventEnded call went; nil when it never connected.
	Quality *Quality
}

// Quality is a connected call's figures at its end: what the `call quality`
// log line says.
type Quality struct {
	Duration time.Duration // from the answer to the end
	Codec    string
	Stats    media.Stats
}

// subscriberBuffer is the queue length of each subscription; a subscriber
// that falls this far behind loses events (logged), the phone never blocks.
const subscriberBuffer = 64

// Subscribe returns a channel of events and a function that ends the
// subscription (and closes the channel). Any number may subscribe.
func (p *Phone) Subscribe() (<-chan Event, func()) {
	ch := make(chan Event, subscriberBuffer)
	p.mu.Lock()
	p.nextSub++
	id := p.nextSub
	p.subs[id] = ch
	p.mu.Unlock()
	return ch, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if c, ok := p.subs[id]; ok {
			delete(p.subs, id)
			close(c)
		}
	}
}

// emitLocked sends ev to every subscriber without blocking. p.mu is held.
func (p *Phone) emitLocked(ev Event) {
	ev.Time = time.Now()
	for _, ch := range p.subs {
		select {
		case ch <- ev:
		default:
			p.log.Warn("event dropped: subscriber not reading", "kind", ev.Kind.String())
		}
	}
}

func (p *Phone) emit(ev Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.emitLocked(ev)
}
