package speechq

import "errors"

// Sentinel errors of this package.
var (
	// ErrRate is returned for a sample rate too low to hold one frame
	// (under 50 Hz) or not positive.
	ErrRate = errors.New("speechq: invalid sample rate")
	// ErrLength is returned when the degraded signal is shorter than the
	// clean one by more than a tenth of the clean one.
	ErrLength = errors.New("speechq: degraded signal too short for the clean one")
	// ErrBand is returned for a frequency band that is empty, negative or
	// above half the sample rate.
	ErrBand = errors.New("speechq: invalid frequency band")
	// ErrTooShort is returned when too few frames of speech remain after
	// the silent ones are left out.
	ErrTooShort = errors.New("speechq: too little speech to score")
)
