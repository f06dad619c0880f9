package media

import "errors"

var (
	// ErrClosed is returned by operations on a closed Engine or Stream.
	ErrClosed = errors.New("media: closed")
	// ErrNotStarted means the stream has not been started.
	ErrNotStarted = errors.New("media: stream not started")
	// ErrNoDTMF means telephone-event was not negotiated.
	ErrNoDTMF = errors.New("media: telephone-event not negotiated")
	// ErrPromptRate means a prompt is not at the engine's 8 kHz mixing rate.
	ErrPromptRate = errors.New("media: prompt sample rate is not 8000 Hz")
	// ErrBadTarget means an unknown prompt Target.
	ErrBadTarget = errors.New("media: bad prompt target")
)
