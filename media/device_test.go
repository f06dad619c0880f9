package media

import (
	"github.com/skoip/skoip/hw/audio"
	"github.com/skoip/skoip/hw/hwtest"
)

// AudioDevice is the subset of audio.Device that the engine uses, and the
// tests' fake is an audio.Device.
var (
	_ AudioDevice = audio.Device(nil)
	_ AudioDevice = (*hwtest.Audio)(nil)
)

// newDevice is a fake sound card of rate Hz and frames samples a period
// whose microphone plays capture, looped.
func newDevice(rate, frames int, capture []int16) *hwtest.Audio {
	d := hwtest.NewAudio(rate, frames)
	d.SetCapture(capture)
	return d
}
