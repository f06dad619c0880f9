package cn

import "errors"

var (
	// ErrEmpty means a comfort noise payload has no noise-level byte.
	ErrEmpty = errors.New("cn: empty payload")
	// ErrShortBuffer means MarshalTo was given too small a buffer.
	ErrShortBuffer = errors.New("cn: buffer too small")
)
