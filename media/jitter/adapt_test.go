package jitter

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestAdaptsToJitterAndBack(t *testing.T) {
	for _, chunk := range []int{0, 40} { // whole 10 ms pulls, and in 5 ms pieces as the engine reads
		spike := uniformJitter(7, 5*time.Millisecond, 60*time.Millisecond, 0)
		delay := func(k int) (time.Duration, bool) {
			if k >= 250 && k < 750 { // 10 s of 0-60 ms jitter in the middle
				return spike(k)
			}
			return 5 * time.Millisecond, true
		}
		r := run(t, Config{}, schedule{frames: 2500, frame: 160, period: 80, chunk: chunk, delay: delay})
		high := r.delays[14]
		end := r.delays[len(r.delays)-2]
		t.Logf("chunk %d: delay at 15s %v, at end %v; stats %+v", chunk, high, end, r.stats)
		if high < 35*time.Millisecond {
			t.Fatalf("chunk %d: delay during jitter %v, want >= 35ms", chunk, high)
		}
		if end > 35*time.Millisecond {
			t.Fatalf("chunk %d: delay after jitter %v, want back under 35ms", chunk, end)
		}
		if r.stats.Underruns > 15 {
			t.Fatalf("chunk %d: %d underruns", chunk, r.stats.Underruns)
		}
	}
}

func TestDriftLongCall(t *testing.T) {
	for _, drift := range []float64{-0.001, 0.001} { // 1000 ppm each way, 10 minutes
		r := run(t, Config{}, schedule{frames: 30000, frame: 160, period: 80, drift: drift,
			delay: uniformJitter(3, 2*time.Millisecond, 10*time.Millisecond, 0)})
		maxD := time.Duration(0)
		for _, d := range r.delays[5:] {
			maxD = max(maxD, d)
		}
		t.Logf("drift %+.4f: max delay %v, end %v, stats %+v", drift, maxD, r.delays[len(r.delays)-2], r.stats)
		if maxD > 60*time.Millisecond {
			t.Fatalf("drift %v: delay grew to %v", drift, maxD)
		}
		if drift > 0 && r.stats.Stretched == 0 || drift < 0 && r.stats.Dropped == 0 {
			t.Fatalf("drift %v not compensated: %+v", drift, r.stats)
		}
		if r.stats.Underruns > 20 {
			t.Fatalf("drift %v: %d underruns", drift, r.stats.Underruns)
		}
	}
}

// One late packet makes the playout wait (an underrun); once the stream is
// clean again the delay must return to where a clean start put it, not stay
// above the configured minimum by the wait. Shortening waits for
// up to 12 s of clean headroom after an underrun, so the run lasts 16 s after it.
func TestDelayRecoversAfterOneLatePacket(t *testing.T) {
	for _, pull := range []int{40, 80} {
		delay := func(k int) (time.Duration, bool) {
			if k == 200 { // 4 s in: 15 ms later than the others
				return 20 * time.Millisecond, true
			}
			return 5 * time.Millisecond, true
		}
		r := run(t, Config{}, schedule{frames: 1000, frame: 160, period: pull, delay: delay})
		before, after := r.delays[2], r.delays[len(r.delays)-2]
		t.Logf("pull %d: delay before %v, after %v, stats %+v", pull, before, after, r.stats)
		if r.stats.Underruns != 1 {
			t.Fatalf("pull %d: %d underruns, want 1", pull, r.stats.Underruns)
		}
		if after > before+2500*time.Microsecond {
			t.Errorf("pull %d: delay %v after the late packet, %v before: not recovered", pull, after, before)
		}
	}
}

// A device period read in several pieces at one instant is one pull: a
// packet that arrives 3 ms after it has 7 ms to spare before the next
// period (more than the 5 ms kept), so nothing is stretched.
func TestChunkedPullHeadroom(t *testing.T) {
	r := run(t, Config{}, schedule{frames: 500, frame: 160, period: 80, chunk: 40,
		delay: constDelay(3100 * time.Microsecond)})
	t.Logf("delays %v, stats %+v", r.delays, r.stats)
	if r.stats.Stretched != 0 || r.stats.Underruns != 0 {
		t.Fatalf("stats %+v: stretched a stream that had headroom", r.stats)
	}
	if d := r.delays[len(r.delays)-2]; d > 15*time.Millisecond {
		t.Fatalf("delay %v, want the 12.5 ms mean of one 20 ms packet drained in 5 ms pieces", d)
	}
}

// On a clean link between busy machines, whose device callbacks and sends
// now and then run late, the buffer must settle at a delay that covers it
// rather than stretch and shorten by turns: each adjustment is heard (and
// breaks the alignment of what is played).
func TestIrregularDeviceTimingDoesNotOscillate(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	lates := make([]time.Duration, 6000)
	for i := range lates {
		if rng.IntN(10) == 0 { // one callback in ten runs 0-9 ms late
			lates[i] = time.Duration(rng.IntN(9000)) * time.Microsecond
		}
	}
	sendLate := make([]time.Duration, 3000)
	for k := range sendLate {
		if rng.IntN(50) == 0 { // and one send in fifty, at the far end, up to 20 ms
			sendLate[k] = time.Duration(rng.IntN(20000)) * time.Microsecond
		}
	}
	r := run(t, Config{}, schedule{frames: 3000, frame: 160, period: 80,
		delay:    func(k int) (time.Duration, bool) { return 2*time.Millisecond + sendLate[k], true },
		pullLate: func(i int) time.Duration { return lates[i%len(lates)] }})
	adjustments := (r.stats.Dropped + r.stats.Stretched) / 80
	t.Logf("60 s, clean link, irregular device: %d period adjustments, stats %+v", adjustments, r.stats)
	if adjustments > 2 {
		t.Fatalf("%d adjustments of one period in 60 s on a clean link, want at most 2", adjustments)
	}
}
