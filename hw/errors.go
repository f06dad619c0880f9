package hw

import "errors"

// Sentinel errors of package hw; check them with errors.Is.
var (
	// ErrClosed is returned by a set, LED or relay used after Close.
	ErrClosed = errors.New("hw: closed")
	// ErrUnknownName is returned for a button, LED or relay name that is
	// not configured.
	ErrUnknownName = errors.New("hw: unknown name")
	// ErrDuplicate is returned when two buttons, LEDs or relays share a name
	// or a pin.
	ErrDuplicate = errors.New("hw: duplicate name or pin")
	// ErrPulseTooLong is returned by Relay.Pulse for a pulse longer than
	// the relay's guard.
	ErrPulseTooLong = errors.New("hw: relay pulse longer than its maximum")
	// ErrBadPulse is returned by Relay.Pulse for a pulse of zero or negative
	// length.
	ErrBadPulse = errors.New("hw: relay pulse must be positive")
	// ErrBadPattern is returned by ParsePattern for an unknown pattern name.
	ErrBadPattern = errors.New("hw: unknown LED pattern")
)
