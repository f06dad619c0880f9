//go:build webrtc && cgo

package aec

import (
	"testing"
	"time"
)

// TestCompareEngines passes the same scenes (8 and 16 kHz, echo as loud as
// the far end, 60 ms, T60 0.3 s) through both engines and prints the
// figures of the README's table: TCL in single talk after convergence
// (4-12 s) and early (0.5-1 s and 1-2 s after the far end starts), the near
// end's level in double talk (at the echo's level, 5-12 s) and CPU per
// 20 ms period. speex runs with and without the Go residual echo
// suppressor; webrtc has its own.
// Run with: go test -tags webrtc -run TestCompareEngines -v ./media/aec
func TestCompareEngines(t *testing.T) {
	for _, rate := range []int{8000, 16000} {
		n := 12 * rate
		far := speech(t, "door", rate, n)
		echo := newRoom(rate, 0.060, 0.3, 0, 1).echo(far)
		near := floats(speech(t, "inside", rate, n), 1)
		clear(near[:4*rate])
		single, double := mix(n, echo), mix(n, echo, near)
		for _, c := range []struct {
			engine string
			res    bool
		}{{EngineSpeex, true}, {EngineSpeex, false}, {EngineWebRTC, false}} {
			cfg := Config{Rate: rate, Engine: c.engine, EchoCancel: true, NoiseSuppress: 15}
			p := mustNew(t, cfg)
			p.noRES = !c.res
			start := time.Now()
			out := drive(p, far, single, rate/50)
			cpu := time.Since(start) / time.Duration(n/(rate/50))
			p2 := mustNew(t, cfg)
			p2.noRES = !c.res
			dt := drive(p2, far, double, rate/50)
			g, _ := nearGainDB(dt, near, 5*rate, n, rate)
			t.Logf("%5d Hz %-6s suppressor %-5v: TCL %5.1f dB (0.5-1 s %5.1f, 1-2 s %5.1f), near end in double talk %5.1f dB, %v per 20 ms",
				rate, c.engine, c.res, ratioDB(far, out, 4*rate, n), ratioDB(far, out, rate/2, rate),
				ratioDB(far, out, rate, 2*rate), g, cpu.Round(time.Microsecond))
		}
	}
}
