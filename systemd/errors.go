package systemd

import "errors"

// Sentinel errors of the package.
var (
	// ErrBadSocket is returned when $NOTIFY_SOCKET names neither a path
	// ('/...') nor an abstract socket ('@...').
	ErrBadSocket = errors.New("systemd: NOTIFY_SOCKET is neither an absolute path nor an abstract socket")
	// ErrBadState is returned for a state that cannot be sent (empty).
	ErrBadState = errors.New("systemd: empty notify state")
)
