package hw

import "time"

// InputLine is one input pin as the button logic sees it. Active reports the
// logical level (true = pressed), with active-low already applied.
type InputLine interface {
	Active() bool
	// WaitForEdge waits at most timeout (always finite, > 0) for a change
	// and reports whether one was seen. Halt interrupts it.
	WaitForEdge(timeout time.Duration) bool
	Halt() error
	Close() error
}

// OutputLine is one output pin: an LED or a relay coil. Set(true) means on
// (lit, energised), with active-low already applied. Close turns it off and
// releases it.
type OutputLine interface {
	Set(on bool) error
	Close() error
}

// LineOpener opens lines by the pin names used in the config ("GPIO17").
// hw/gpio implements it with the GPIO character device, hw/sim with
// in-memory lines.
type LineOpener interface {
	OpenInput(pin string, activeLow bool) (InputLine, error)
	OpenOutput(pin string, activeLow bool) (OutputLine, error)
}
