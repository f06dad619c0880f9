package intercom

import "errors"

var (
	// ErrNoCall is the answer to Play outside a call.
	ErrNoCall = errors.New("no call in progress")
	// ErrStopped is the answer to work handed to an intercom whose Run
	// has ended.
	ErrStopped = errors.New("the intercom has stopped")
	// ErrLockedOut is the answer to OpenDoor while wrong codes have locked
	// the door code out and door.lockout_local is set.
	ErrLockedOut = errors.New("the door is locked out after wrong codes (door.lockout_local)")
)
