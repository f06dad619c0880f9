//go:build cgo

package aec_test

import (
	"fmt"

	"github.com/skoip/skoip/media/aec"
)

// A device callback at 16 kHz with 20 ms periods: the microphone's period
// is cleaned in place, then the loudspeaker's period is recorded.
func Example() {
	p, err := aec.New(aec.Config{Rate: 16000, EchoCancel: true, NoiseSuppress: 15})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	mic, speaker := make([]int16, 320), make([]int16, 320)
	for range 50 { // one second of silence
		p.Capture(mic)
		p.Playback(speaker)
	}
	st := p.Stats()
	fmt.Println(st.Converged, st.Delay, st.ERLEdB)
	// Output: false 0s 0
}
