package aec

import (
	"math"
	"sync"
	"testing"
	"time"
)

// converged returns a processor that has cancelled 4 s of echo, with the
// scene it used.
func converged(t *testing.T, rate int) (*Processor, []int16, []float64) {
	t.Helper()
	n := 12 * rate
	far := speech(t, "door", rate, n)
	echo := newRoom(rate, 0.060, 0.3, 0, 9).echo(far)
	p := mustNew(t, Config{Rate: rate, EchoCancel: true, NoiseSuppress: 15})
	drive(p, far[:4*rate], mix(4*rate, echo[:4*rate]), rate/50)
	if st := p.Stats(); !st.Converged {
		t.Fatalf("not converged after 4 s: %+v", st)
	}
	return p, far, echo
}

// TestReset: Reset forgets the echo path (the next second leaks) and the
// processor re-converges.
func TestReset(t *testing.T) {
	rate := 8000
	p, far, echo := converged(t, rate)
	before := p.Stats().Resets
	p.Reset()
	st := p.Stats()
	if st.Converged || st.Resets != before+1 {
		t.Errorf("after Reset: %+v, want not converged and one more reset", st)
	}
	n := len(far)
	out := drive(p, far[4*rate:], mix(n-4*rate, echo[4*rate:]), rate/50)
	if tcl := ratioDB(far[4*rate:], out, 3*rate, len(out)); tcl < 35 {
		t.Errorf("TCL 3-8 s after Reset %.1f dB, want >= 35", tcl)
	}
	if !p.Stats().Converged {
		t.Errorf("not converged again: %+v", p.Stats())
	}
}

// TestReferenceStops: the loudspeaker stops feeding Playback for 2 s while
// the microphone keeps its echo's tail and then silence with noise; no
// frame of the output is louder than the microphone's, the figures stay
// finite, and the canceller picks up again when the reference returns.
func TestReferenceStops(t *testing.T) {
	rate := 8000
	p, far, echo := converged(t, rate)
	rest := len(far) - 4*rate
	mic := mix(rest, echo[4*rate:], noise(rest, 30, 3))
	for i := 2 * rate; i < 4*rate; i++ { // the echo stops too
		mic[i] = sat(noise(1, 30, uint64(i))[0])
	}
	out := append([]int16(nil), mic...)
	frame := rate / 50
	var prev, prev2 float64 // the microphone's previous frames: the output is 20 ms late
	for i := 0; i < rest; i += frame {
		if i < 2*rate || i >= 4*rate {
			p.Playback(far[4*rate+i : 4*rate+i+frame])
		}
		p.Capture(out[i : i+frame])
		em := energy(mic[i : i+frame])
		if eo, m := energy(out[i:i+frame]), max(em, prev, prev2); eo > 4*m+1000 {
			t.Fatalf("burst at %.2f s: output %.0f dBFS over microphone %.0f dBFS", float64(i)/float64(rate), dBFS(eo), dBFS(m))
		}
		prev, prev2 = em, prev
		if st := p.Stats(); math.IsNaN(st.ERLEdB) || math.IsInf(st.ERLEdB, 0) || math.IsNaN(st.NoiseDB) {
			t.Fatalf("stats not finite: %+v", st)
		}
	}
	if tcl := ratioDB(far[4*rate:], out, 6*rate, rest); tcl < 30 {
		t.Errorf("TCL 2-4 s after the reference returned %.1f dB, want >= 30", tcl)
	}
}

// noise is white Gaussian noise of the given RMS.
func noise(n int, rms float64, seed uint64) []float64 {
	out := make([]float64, n)
	s := seed*2654435761 + 1
	for i := range out {
		var sum float64
		for range 12 { // Irwin-Hall: close enough to Gaussian
			s ^= s << 13
			s ^= s >> 7
			s ^= s << 17
			sum += float64(s>>11) / (1 << 53)
		}
		out[i] = rms * (sum - 6)
	}
	return out
}

// TestStatsConcurrent reads Stats while the audio goroutine processes
// (run with -race).
func TestStatsConcurrent(t *testing.T) {
	rate := 16000
	far := speech(t, "door", rate, 2*rate)
	p := mustNew(t, Config{Rate: rate, EchoCancel: true, NoiseSuppress: 15})
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
				_ = p.Stats()
				time.Sleep(time.Millisecond)
			}
		}
	}()
	drive(p, far, far, rate/50)
	close(done)
	wg.Wait()
	if st := p.Stats(); st.Delay != 0 && st.Delay > 5*time.Millisecond {
		t.Errorf("delay %v with the microphone equal to the reference", st.Delay)
	}
}

// TestHintDelay: a processor given the measured delay cancels more of the
// first half second of echo than one that must find the delay first, is
// aligned on the hint before the far end has spoken, and returns to it
// after a Reset.
func TestHintDelay(t *testing.T) {
	rate := 8000
	n := 3 * rate
	far := speech(t, "door", rate, n)
	echo := newRoom(rate, 0.060, 0.3, 0, 9).echo(far)
	first := func(hint time.Duration) float64 {
		p := mustNew(t, Config{Rate: rate, EchoCancel: true})
		p.HintDelay(hint)
		want := float64(hint) * float64(rate) / float64(time.Second)
		if hint > 0 && (!p.est.locked || p.est.delay != want) {
			t.Errorf("before any audio: locked %v at %v samples, want the hint %v", p.est.locked, p.est.delay, want)
		}
		out := drive(p, far, mix(n, echo), rate/50)
		if hint > 0 {
			p.Reset()
			if !p.est.locked || p.est.delay != want {
				t.Errorf("after Reset: locked %v at %v samples, want the hint %v", p.est.locked, p.est.delay, want)
			}
		}
		return ratioDB(far, out, 0, rate/2)
	}
	without, with := first(0), first(60*time.Millisecond)
	t.Logf("echo removed in the first 0.5 s: %.1f dB without the hint, %.1f dB with it", without, with)
	if with < without+3 {
		t.Errorf("the hint removed %.1f dB in the first 0.5 s, want at least 3 dB more than %.1f without", with, without)
	}
	p := mustNew(t, Config{Rate: rate, EchoCancel: true})
	p.HintDelay(time.Second) // beyond MaxDelay: ignored
	if p.est.locked {
		t.Errorf("a hint beyond the range was taken: %v samples", p.est.delay)
	}
}
