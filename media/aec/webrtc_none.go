//go:build !webrtc || !cgo

package aec

// hasEngine reports whether this build has the optional engine name.
func hasEngine(string) bool { return false }

func newWebRTC(engineParams) (engine, error) { return nil, ErrEngine }
