package aec

import (
	"fmt"
	"testing"
	"time"
)

// TestEchoAttenuation: single talk, echo as loud as the far end, 60 ms bulk
// delay, T60 0.3 s.
func TestEchoAttenuation(t *testing.T) {
	for _, rate := range []int{8000, 16000} {
		t.Run(fmt.Sprint(rate), func(t *testing.T) {
			n := 12 * rate
			far := speech(t, "door", rate, n)
			echo := newRoom(rate, 0.060, 0.3, 0, 1).echo(far)
			mic := mix(n, echo)
			p := mustNew(t, Config{Rate: rate, EchoCancel: true, NoiseSuppress: 15})
			out := drive(p, far, mic, rate/50)
			for s := 0; s < 12; s++ {
				t.Logf("%2d s: attenuation %5.1f dB  TCL %5.1f dB", s, ratioDB(echo, out, s*rate, (s+1)*rate), ratioDB(far, out, s*rate, (s+1)*rate))
			}
			st := p.Stats()
			t.Logf("stats %+v", st)
			if a := ratioDB(echo, out, 4*rate, n); a < 30 {
				t.Errorf("attenuation after convergence %.1f dB, want >= 30", a)
			}
			if d := st.Delay - 60*time.Millisecond; d < -3*time.Millisecond || d > 3*time.Millisecond {
				t.Errorf("delay %v, want 60ms ± 3ms", st.Delay)
			}
		})
	}
}
