package media

import "errors"

var (
	// ErrClosed is returned by operations on a closed Engine or Stream.
	ErrClosed = errors.New("media: closed")
	// ErrNotStarted means the stream has not been started.
	ErrNotStarted = errors.New("media: stream not started")
	// ErrNoDTMF means telephone-event was not negotiated.
	ErrNoDTMF = errors.New("media: telephone-event not negotiated")
	// ErrPromptRate means a prompt's rate cannot be converted to the
	// engine's (4 to 192 kHz).
	ErrPromptRate = errors.New("media: prompt sample rate cannot be converted")
	// ErrRate means Config.Rate is neither 8000 nor 16000 Hz.
	ErrRate = errors.New("media: rate must be 8000 or 16000 Hz")
	// ErrBadTarget means an unknown prompt Target.
	ErrBadTarget = errors.New("media: bad prompt target")
)
