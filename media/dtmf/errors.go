package dtmf

import "errors"

var (
	// ErrShortPayload means a telephone-event payload is under 4 bytes.
	ErrShortPayload = errors.New("dtmf: payload shorter than 4 bytes")
	// ErrNotDigit means a rune is not a DTMF key (0-9, *, #, A-D).
	ErrNotDigit = errors.New("dtmf: not a DTMF digit")
	// ErrBusy means an event is already being sent.
	ErrBusy = errors.New("dtmf: an event is already being sent")
)
