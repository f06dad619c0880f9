package aec

import (
	"fmt"
	"testing"
)

// driveCaptureFirst is drive in the order of the media engine's device
// callback: each period's microphone is processed before that period's
// loudspeaker samples are written.
func driveCaptureFirst(p *Processor, far, mic []int16, period int) []int16 {
	out := append([]int16(nil), mic...)
	for i := 0; i < len(out); i += period {
		j := min(i+period, len(out))
		p.Capture(out[i:j])
		p.Playback(far[i:j])
	}
	return out
}

// TestCaptureBeforePlayback: with the engine's order, an echo that is a
// pure delay of a whole number of 10 ms frames (20 to 100 ms: the room
// backend's period plus its delay) is cancelled like any other. The
// reference of the period being captured has not been written yet; a
// filter aligned onto it was once fed silence and cancelled nothing for
// delays up to 40 ms.
func TestCaptureBeforePlayback(t *testing.T) {
	rate, n := 8000, 6*8000
	far := speech(t, "door", rate, n)
	for _, ms := range []int{20, 30, 40, 41, 100} {
		t.Run(fmt.Sprintf("%dms", ms), func(t *testing.T) {
			d := ms * rate / 1000
			mic := make([]int16, n)
			for i := d; i < n; i++ {
				mic[i] = far[i-d] / 2
			}
			p := mustNew(t, Config{Rate: rate, EchoCancel: true, NoiseSuppress: 15})
			out := driveCaptureFirst(p, far, mic, rate/50)
			if tcl := ratioDB(far, out, 2*rate, n); tcl < 40 {
				t.Errorf("echo %d ms late: TCL 2-6 s %.1f dB, want >= 40 (stats %+v)", ms, tcl, p.Stats())
			}
		})
	}
}
