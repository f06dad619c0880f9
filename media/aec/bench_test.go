package aec

import (
	"fmt"
	"testing"
)

// BenchmarkCapture is one 20 ms period (Playback then Capture) with echo
// cancellation and 15 dB noise suppression, on a converged canceller.
func BenchmarkCapture(b *testing.B) {
	for _, rate := range []int{8000, 16000} {
		b.Run(fmt.Sprintf("%dk", rate/1000), func(b *testing.B) {
			n := 4 * rate
			far := speech(b, "door", rate, n)
			mic := mix(n, newRoom(rate, 0.060, 0.3, 0, 1).echo(far))
			p := mustNew(b, Config{Rate: rate, EchoCancel: true, NoiseSuppress: 15})
			drive(p, far, mic, rate/50)
			period := rate / 50
			buf := make([]int16, period)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				at := i * period % (n - period)
				p.Playback(far[at : at+period])
				copy(buf, mic[at:at+period])
				p.Capture(buf)
			}
		})
	}
}
