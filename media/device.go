package media

// AudioDevice is the engine's view of a sound card: a duplex stream of mono
// signed 16-bit samples at SampleRate, delivered in periods.
//
// It is the part of hw/audio.Device (the one sound-card interface, which
// also has Close and Stats) that the engine uses, declared here because
// media does not import hw/audio; device_test.go checks at compile time that
// every audio.Device is an AudioDevice. Tests use hw/hwtest.Audio, the fake
// of audio.Device.
//
// Start calls fn from the device's own goroutine once per period with the
// captured samples (in) and a zeroed buffer to fill for playback (out);
// len(in) == len(out) == one period. fn must not block and must not keep the
// slices. Stop stops the callbacks and returns only when no call of fn is
// running.
type AudioDevice interface {
	SampleRate() int
	Start(fn func(in, out []int16)) error
	Stop() error
}
