package dsp

import "errors"

// Sentinel errors of this package.
var (
	// ErrRate is returned for a sample rate this package cannot handle.
	ErrRate = errors.New("dsp: unsupported sample rate")
	// ErrConfig is returned for an out-of-range configuration value.
	ErrConfig = errors.New("dsp: invalid configuration")
)
