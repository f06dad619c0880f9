//go:build !cgo

package codec

// OpusAvailable reports whether this build has Opus: true where cgo links
// libopus, false in a cgo-free build like this one, where ByName("opus")
// fails with ErrUnknownCodec. ParseOpusFMTP and OpusLocalFMTP work in both.
const OpusAvailable = false
