//go:build webrtc && cgo

package aec

import (
	"testing"
	"time"
)

// TestCompareEngines passes the same scenes through both engines, with and
// without the residual echo gate, and prints the figures of the README's
// table: TCL in single talk after convergence (4-12 s), the time until the
// TCL of every later 250 ms window with the far end active is at least
// 30 dB, the near end's level in double talk, and CPU per 20 ms period.
// Run with: go test -tags webrtc -run TestCompareEngines -v ./media/aec
func TestCompareEngines(t *testing.T) {
	for _, rate := range []int{8000, 16000} {
		n := 12 * rate
		far := speech(t, "door", rate, n)
		echo := newRoom(rate, 0.060, 0.3, 0, 1).echo(far)
		near := floats(speech(t, "inside", rate, n), 1)
		clear(near[:4*rate])
		single, double := mix(n, echo), mix(n, echo, near)
		for _, engine := range []string{EngineSpeex, EngineWebRTC} {
			for _, gate := range []bool{true, false} {
				cfg := Config{Rate: rate, Engine: engine, EchoCancel: true, NoiseSuppress: 15}
				p := mustNew(t, cfg)
				p.noRES = !gate
				start := time.Now()
				out := drive(p, far, single, rate/50)
				cpu := time.Since(start) / time.Duration(n/(rate/50))
				p2 := mustNew(t, cfg)
				p2.noRES = !gate
				dt := drive(p2, far, double, rate/50)
				t.Logf("%5d Hz %-6s gate %-5v: TCL %5.1f dB, 30 dB after %4.2f s, near end in double talk %5.1f dB, %v per 20 ms",
					rate, engine, gate, ratioDB(far, out, 4*rate, n), time30(far, out, rate),
					nearGain(dt, near, 5*rate, n, rate), cpu)
			}
		}
	}
}

// time30 is the start of the first 250 ms window after which every window
// with the far end active has a TCL of 30 dB or more.
func time30(far, out []int16, rate int) float64 {
	w := rate / 4
	last := 0
	for s := 0; (s+1)*w <= len(out); s++ {
		if energy(far[s*w:(s+1)*w]) > 100*activeLevel && ratioDB(far, out, s*w, (s+1)*w) < 30 {
			last = s + 1
		}
	}
	return float64(last*w) / float64(rate)
}

func nearGain(out []int16, near []float64, from, to, rate int) float64 {
	g, _ := nearGainDB(out, near, from, to, rate)
	return g
}
