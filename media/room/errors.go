package room

import "errors"

// Sentinel errors of this package.
var (
	// ErrConfig is wrapped by every invalid Config value; the message names
	// the field (as its lower snake case config key) and the allowed range.
	ErrConfig = errors.New("room: invalid configuration")
)
