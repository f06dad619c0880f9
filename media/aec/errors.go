package aec

import "errors"

var (
	// ErrRate means Config.Rate is neither 8000 nor 16000.
	ErrRate = errors.New("aec: rate must be 8000 or 16000 Hz")
	// ErrEngine means Config.Engine names an engine this build lacks.
	ErrEngine = errors.New("aec: unknown engine")
	// ErrTail means Config.Tail is outside 50 ms..500 ms.
	ErrTail = errors.New("aec: tail must be 0 or 50ms..500ms")
	// ErrMaxDelay means Config.MaxDelay is outside 0..500 ms.
	ErrMaxDelay = errors.New("aec: max delay must be 0..500ms")
	// ErrNoiseSuppress means Config.NoiseSuppress is not 0 or 6..30 dB.
	ErrNoiseSuppress = errors.New("aec: noise suppression must be 0 (off) or 6..30 dB")
	// ErrUnavailable means the engine needs cgo and this build has none.
	ErrUnavailable = errors.New("aec: engine unavailable in this build (needs cgo)")
	// ErrInit means the C library failed to allocate its state.
	ErrInit = errors.New("aec: engine initialisation failed")
)
