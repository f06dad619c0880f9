package audio

import "errors"

// Sentinel errors of package audio.
var (
	// ErrConfig is wrapped by every configuration problem.
	ErrConfig = errors.New("audio: bad config")
	// ErrRunning is returned by Start on a device already started.
	ErrRunning = errors.New("audio: already started")
	// ErrClosed is returned by a device used after Close.
	ErrClosed = errors.New("audio: device closed")
	// ErrWAV is wrapped by every WAV parsing problem.
	ErrWAV = errors.New("audio: bad WAV file")
	// ErrNoCGO is returned for the "alsa" backend in a binary built
	// without cgo for a system other than Linux.
	ErrNoCGO = errors.New("audio: the alsa backend needs a cgo build outside Linux")
	// ErrNoKernelPCM is returned for the "alsa-kernel" backend outside
	// Linux.
	ErrNoKernelPCM = errors.New("audio: the alsa-kernel backend needs Linux")
	// ErrStalled is the fault reported when a running device delivers no
	// period for watchdogTimeout.
	ErrStalled = errors.New("audio: device stalled")
	// ErrStopped is the fault reported when the device stops by itself
	// (unplugged, driver error).
	ErrStopped = errors.New("audio: device stopped")
)
