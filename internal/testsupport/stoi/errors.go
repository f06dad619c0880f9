package stoi

import "errors"

// Sentinel errors of this package.
var (
	// ErrRate is returned for a sample rate that is not positive.
	ErrRate = errors.New("stoi: invalid sample rate")
	// ErrLength is returned when the degraded signal is shorter than the
	// clean one by more than a tenth of the clean one.
	ErrLength = errors.New("stoi: degraded signal too short for the clean one")
	// ErrTooShort is returned when fewer than 30 frames (384 ms of speech
	// at 10 kHz) remain after the silent frames are removed.
	ErrTooShort = errors.New("stoi: too little speech to score")
)
