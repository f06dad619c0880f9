// Package intercomtest has fakes of what package intercom drives: a phone
// whose calls the test decides and a player that holds every prompt until
// its context ends.
package intercomtest

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// Phone is a phone whose calls the test decides: a Dial waits for a value
// on Outcome (nil: answered) or for its ctx (phone.ErrCancelled).
type Phone struct {
	Outcome chan error    // what the pending Dial returns
	HungUp  chan struct{} // one value per Hangup: the test must read them
	// Reachable are the targets Ping finds (set before use).
	Reachable []string

	mu      sync.Mutex
	state   phone.State
	dials   []string
	answers int
	hangups int
	dtmf    []string
	subs    []chan phone.Event
}

// NewPhone returns an idle Phone.
func NewPhone() *Phone {
	return &Phone{state: phone.StateIdle, Outcome: make(chan error, 1), HungUp: make(chan struct{}, 8)}
}

// Set changes the state and tells the subscribers; as *phone.Phone does,
// it drops the event for a subscriber that is not reading.
func (f *Phone) Set(s phone.State) {
	f.mu.Lock()
	f.state = s
	subs := f.subs
	f.mu.Unlock()
	for _, c := range subs {
		select {
		case c <- phone.Event{Kind: phone.EventState, State: s}:
		default:
		}
	}
}

// Emit sends ev to the subscribers, waiting for room.
func (f *Phone) Emit(ev phone.Event) {
	f.mu.Lock()
	subs := f.subs
	f.mu.Unlock()
	for _, c := range subs {
		c <- ev
	}
}

// Dials returns the targets dialled so far.
func (f *Phone) Dials() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.dials...)
}

// Answers returns how many times Answer was called.
func (f *Phone) Answers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.answers
}

// Hangups returns how many times Hangup was called.
func (f *Phone) Hangups() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hangups
}

// DTMF returns the digit strings sent so far.
func (f *Phone) DTMF() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.dtmf...)
}

// Dial records target, goes to outgoing and waits for the outcome.
func (f *Phone) Dial(ctx context.Context, target string) error {
	f.mu.Lock()
	f.dials = append(f.dials, target)
	f.mu.Unlock()
	f.Set(phone.StateOutgoing)
	var err error
	select {
	case err = <-f.Outcome:
	case <-ctx.Done():
		err = phone.ErrCancelled
	}
	switch {
	case err == nil:
		f.Set(phone.StateConnected)
	case errors.Is(err, phone.ErrCallInProgress): // another call has the phone: its state stays
	default:
		f.Set(phone.StateIdle)
	}
	return err
}

// DialAll records the targets as one dial ("a|b|c") and behaves as Dial;
// it reports index 0 answering.
func (f *Phone) DialAll(ctx context.Context, targets []string, _ time.Duration) (int, error) {
	if err := f.Dial(ctx, strings.Join(targets, "|")); err != nil {
		return -1, err
	}
	return 0, nil
}

// Answer connects an incoming call; else it is phone.ErrNoCall.
func (f *Phone) Answer(context.Context) error {
	f.mu.Lock()
	st := f.state
	f.answers++
	f.mu.Unlock()
	if st != phone.StateIncoming {
		return phone.ErrNoCall
	}
	f.Set(phone.StateConnected)
	return nil
}

// Hangup goes idle and sends on HungUp.
func (f *Phone) Hangup(context.Context) error {
	f.mu.Lock()
	f.hangups++
	f.mu.Unlock()
	f.Set(phone.StateIdle)
	f.HungUp <- struct{}{}
	return nil
}

// SendDTMF records digits.
func (f *Phone) SendDTMF(_ context.Context, digits string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dtmf = append(f.dtmf, digits)
	return nil
}

// Status reports the state only.
func (f *Phone) Status() phone.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return phone.Status{State: f.state}
}

// Subscribe returns a channel of 64 events.
func (f *Phone) Subscribe() (<-chan phone.Event, func()) {
	c := make(chan phone.Event, 64)
	f.mu.Lock()
	f.subs = append(f.subs, c)
	f.mu.Unlock()
	return c, func() {}
}

// Queued is how many emitted events the subscribers have not taken yet.
func (f *Phone) Queued() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.subs {
		n += len(c)
	}
	return n
}

// Run waits for ctx.
func (f *Phone) Run(ctx context.Context) error { <-ctx.Done(); return nil }

// Ready is never closed: the fake does not listen.
func (f *Phone) Ready() <-chan struct{} { return nil }

// Addr is 127.0.0.1:5060.
func (f *Phone) Addr() netip.AddrPort { return netip.MustParseAddrPort("127.0.0.1:5060") }

// Registered is nil: no account.
func (f *Phone) Registered() *bool { return nil }

// Registration is the zero Registration: no account.
func (f *Phone) Registration() phone.Registration { return phone.Registration{} }

// Ping answers 200 after 1 ms for any target in Reachable, else
// phone.ErrTimeout.
func (f *Phone) Ping(_ context.Context, target string) (time.Duration, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if slices.Contains(f.Reachable, target) {
		return time.Millisecond, 200, nil
	}
	return 0, 0, phone.ErrTimeout
}

// Played is one Play call.
type Played struct {
	Prompt string
	To     media.Target
}

// Player reports every Play on Plays and holds it until its ctx ends, like
// a prompt that is still playing; the prompts named in Instant end at once
// instead (set it before the first Play).
type Player struct {
	Plays   chan Played
	Ended   chan Played // each Play that its ctx ended (buffered, dropped when full)
	Instant []string
}

// NewPlayer returns a Player whose Plays and Ended hold 64 reports.
func NewPlayer() *Player { return &Player{Plays: make(chan Played, 64), Ended: make(chan Played, 64)} }

// Play reports p and waits for ctx (or returns nil at once for Instant).
func (p *Player) Play(ctx context.Context, pr *media.Prompt, to media.Target) error {
	p.Plays <- Played{pr.Name(), to}
	if slices.Contains(p.Instant, pr.Name()) {
		return nil
	}
	<-ctx.Done()
	select {
	case p.Ended <- Played{pr.Name(), to}:
	default:
	}
	return ctx.Err()
}
