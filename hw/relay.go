package hw

import (
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// DefaultMaxPulse is the relay guard used when RelayConfig.MaxPulse is 0.
const DefaultMaxPulse = 10 * time.Second

// RelayConfig describes one relay (the door opener).
type RelayConfig struct {
	Name      string
	Pin       string
	ActiveLow bool
	MaxPulse  time.Duration // longest allowed pulse; 0 = DefaultMaxPulse
}

// Relay is an output that is only ever on for a bounded pulse: it is
// switched off when the pulse ends and on Close, whatever happens.
type Relay struct {
	name string
	out  OutputLine
	clk  Clock
	max  time.Duration
	log  *slog.Logger

	mu     sync.Mutex
	timer  Timer
	gen    uint64
	on     bool
	closed bool
	pulses int
}

// NewRelay takes ownership of out, switches it off and returns the relay.
func NewRelay(name string, out OutputLine, maxPulse time.Duration, clk Clock, log *slog.Logger) (*Relay, error) {
	if maxPulse <= 0 {
		maxPulse = DefaultMaxPulse
	}
	if err := out.Set(false); err != nil {
		return nil, fmt.Errorf("hw.NewRelay %q: %w", name, err)
	}
	return &Relay{name: name, out: out, clk: clk, max: maxPulse, log: log}, nil
}

// Pulse switches the relay on for d (0 < d <= the guard). A pulse during a
// pulse extends it to end d from now.
func (r *Relay) Pulse(d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("hw.Relay.Pulse %q %v: %w", r.name, d, ErrBadPulse)
	}
	if d > r.max {
		return fmt.Errorf("hw.Relay.Pulse %q %v > %v: %w", r.name, d, r.max, ErrPulseTooLong)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return fmt.Errorf("hw.Relay.Pulse %q: %w", r.name, ErrClosed)
	}
	if r.timer != nil {
		r.timer.Stop()
	}
	r.gen++
	gen := r.gen
	// Arm the switch-off before switching on, so that it cannot be missed.
	r.timer = r.clk.AfterFunc(d, func() { r.end(gen) })
	if err := r.out.Set(true); err != nil {
		r.offLocked()
		return fmt.Errorf("hw.Relay.Pulse %q: %w", r.name, err)
	}
	r.on = true
	r.pulses++
	r.log.Info("relay pulse", "name", r.name, "duration", d)
	return nil
}

func (r *Relay) end(gen uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen == r.gen && !r.closed {
		r.offLocked()
	}
}

func (r *Relay) offLocked() {
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	r.gen++
	r.on = false
	if err := r.out.Set(false); err != nil {
		r.log.Error("relay switch-off failed", "name", r.name, "err", err)
	}
}

// Active reports whether a pulse is in progress.
func (r *Relay) Active() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.on
}

// Pulses returns how many pulses were started.
func (r *Relay) Pulses() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pulses
}

// MaxPulse returns the guard.
func (r *Relay) MaxPulse() time.Duration { return r.max }

// Close switches the relay off and releases its line.
func (r *Relay) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.offLocked()
	r.closed = true
	if err := r.out.Close(); err != nil {
		return fmt.Errorf("hw.Relay.Close %q: %w", r.name, err)
	}
	return nil
}
