package hwtest

import (
	"fmt"
	"sync"
	"time"

	"github.com/skoip/skoip/hw"
)

// Buttons is a fake button set: Press, Release and LongPress put events on
// Events directly (no debounce).
type Buttons struct {
	clk    hw.Clock
	events chan hw.ButtonEvent
	once   sync.Once
}

// NewButtons returns fake buttons whose events carry clk's time (nil: the
// system clock).
func NewButtons(clk hw.Clock) *Buttons {
	if clk == nil {
		clk = hw.SystemClock()
	}
	return &Buttons{clk: clk, events: make(chan hw.ButtonEvent, 64)}
}

// Events returns the event channel, closed by Close.
func (b *Buttons) Events() <-chan hw.ButtonEvent { return b.events }

// Press sends a Press event for name.
func (b *Buttons) Press(name string) { b.send(name, hw.Press) }

// Release sends a Release event for name.
func (b *Buttons) Release(name string) { b.send(name, hw.Release) }

// LongPress sends a LongPress event for name.
func (b *Buttons) LongPress(name string) { b.send(name, hw.LongPress) }

func (b *Buttons) send(name string, k hw.EventKind) {
	b.events <- hw.ButtonEvent{Button: name, Kind: k, Time: b.clk.Now()}
}

// Close closes the event channel.
func (b *Buttons) Close() error {
	b.once.Do(func() { close(b.events) })
	return nil
}

// LEDs is a fake LED set that remembers every pattern set.
type LEDs struct {
	mu      sync.Mutex
	history map[string][]hw.Pattern
}

// NewLEDs returns fake LEDs with the given names, all Off.
func NewLEDs(names ...string) *LEDs {
	l := &LEDs{history: map[string][]hw.Pattern{}}
	for _, n := range names {
		l.history[n] = []hw.Pattern{hw.Off}
	}
	return l
}

// Set records p for the LED called name (hw.ErrUnknownName if none).
func (l *LEDs) Set(name string, p hw.Pattern) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.history[name]
	if !ok {
		return fmt.Errorf("hwtest.LEDs.Set %q: %w", name, hw.ErrUnknownName)
	}
	l.history[name] = append(h, p)
	return nil
}

// State returns the LED's current pattern and whether it exists.
func (l *LEDs) State(name string) (hw.Pattern, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.history[name]
	if !ok {
		return hw.Off, false
	}
	return h[len(h)-1], true
}

// History returns every pattern the LED was set to, starting with Off.
func (l *LEDs) History(name string) []hw.Pattern {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]hw.Pattern(nil), l.history[name]...)
}

// Relay is a fake relay that records its pulses, with the real guard.
type Relay struct {
	mu     sync.Mutex
	max    time.Duration
	pulses []time.Duration
	closed bool
}

// NewRelay returns a fake relay guarded at maxPulse (0: hw.DefaultMaxPulse).
func NewRelay(maxPulse time.Duration) *Relay {
	if maxPulse <= 0 {
		maxPulse = hw.DefaultMaxPulse
	}
	return &Relay{max: maxPulse}
}

// Pulse records d, or refuses it as hw.Relay would.
func (r *Relay) Pulse(d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return hw.ErrClosed
	case d <= 0:
		return hw.ErrBadPulse
	case d > r.max:
		return hw.ErrPulseTooLong
	}
	r.pulses = append(r.pulses, d)
	return nil
}

// Pulses returns the accepted pulses in order.
func (r *Relay) Pulses() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.pulses...)
}

// Close marks the relay closed.
func (r *Relay) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	return nil
}
