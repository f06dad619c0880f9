//go:build !cgo

package aec

// newSpeex fails: speexdsp is a C library and this build has no cgo.
func newSpeex(engineParams) (engine, error) { return nil, ErrUnavailable }
