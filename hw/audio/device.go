package audio

// Device is an open audio device: SKOIP's one sound-card interface. The
// media engine declares the part of it that it uses (media.AudioDevice:
// SampleRate, Start, Stop), as media does not import hw; hw/hwtest.Audio is
// its fake, for every test above hw.
//
// Start calls fn from the device's own goroutine once per period with the
// captured samples (in) and a zeroed buffer to fill for playback (out);
// len(in) == len(out) == one period. fn must not block and must not keep
// the slices. Stop returns only when no call of fn is running; the device
// can be started again. Close stops and releases the device.
type Device interface {
	SampleRate() int
	Start(fn func(in, out []int16)) error
	Stop() error
	Close() error
	Stats() Stats
}

// Stats are a device's counters.
type Stats struct {
	Periods   uint64 // callbacks delivered to fn
	Underruns uint64 // periods the playback side missed (late callback, short buffer)
	Overruns  uint64 // periods the capture side lost (late callback), or playback had no room for (alsa-kernel)
	Faults    uint64 // times the device was lost (alsa)
	Reopens   uint64 // times it was reopened after a fault (alsa)
}
