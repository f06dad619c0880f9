package hw

import (
	"fmt"
	"time"
)

// Pattern is what an LED shows.
type Pattern int

const (
	// Off is dark.
	Off Pattern = iota
	// On is lit steadily.
	On
	// SlowBlink is 1 s on, 1 s off.
	SlowBlink
	// FastBlink is 125 ms on, 125 ms off (4 Hz).
	FastBlink
	// Heartbeat is two short flashes every 2 s (idle, all well).
	Heartbeat
	// Error is three quick flashes then a pause, every 2 s (a fault).
	Error
)

var patternNames = [...]string{"off", "on", "slow-blink", "fast-blink", "heartbeat", "error"}

// String returns the pattern's name as ParsePattern accepts it.
func (p Pattern) String() string {
	if p >= 0 && int(p) < len(patternNames) {
		return patternNames[p]
	}
	return fmt.Sprintf("Pattern(%d)", int(p))
}

// ParsePattern returns the Pattern named s ("off", "on", "slow-blink",
// "fast-blink", "heartbeat", "error").
func ParsePattern(s string) (Pattern, error) {
	for i, n := range patternNames {
		if n == s {
			return Pattern(i), nil
		}
	}
	return Off, fmt.Errorf("hw.ParsePattern %q: %w", s, ErrBadPattern)
}

const ms = time.Millisecond

// Steps returns a blinking pattern's durations, alternating on and off and
// starting with on; nil for the steady patterns Off and On.
func (p Pattern) Steps() []time.Duration {
	switch p {
	case SlowBlink:
		return []time.Duration{1000 * ms, 1000 * ms}
	case FastBlink:
		return []time.Duration{125 * ms, 125 * ms}
	case Heartbeat:
		return []time.Duration{100 * ms, 150 * ms, 100 * ms, 1650 * ms}
	case Error:
		return []time.Duration{100 * ms, 100 * ms, 100 * ms, 100 * ms, 100 * ms, 1500 * ms}
	}
	return nil
}
