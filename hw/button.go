package hw

import (
	"fmt"
	"time"
)

// EventKind says what happened to a button.
type EventKind int

const (
	// Press is a debounced transition to pressed.
	Press EventKind = iota + 1
	// Release is a debounced transition to released.
	Release
	// LongPress is sent once when a button has stayed pressed for its
	// long-press time; a Release still follows.
	LongPress
)

// String returns "press", "release" or "long-press".
func (k EventKind) String() string {
	switch k {
	case Press:
		return "press"
	case Release:
		return "release"
	case LongPress:
		return "long-press"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// ButtonEvent is one debounced button event.
type ButtonEvent struct {
	Button string // the configured name, e.g. "call"
	Kind   EventKind
	Time   time.Time // when the level settled (Press, Release) or the long-press time elapsed
}

// ButtonConfig describes one button.
type ButtonConfig struct {
	Name      string
	Pin       string        // line name, e.g. "GPIO17"
	ActiveLow bool          // pressed pulls the line low (switch to ground, pull-up bias)
	Debounce  time.Duration // the level must stay this long before it counts; 0 = none
	LongPress time.Duration // 0 = no LongPress events
}
