package jitter

import (
	"testing"
	"time"
)

func TestAdaptsToJitterAndBack(t *testing.T) {
	spike := uniformJitter(7, 5*time.Millisecond, 60*time.Millisecond, 0)
	delay := func(k int) (time.Duration, bool) {
		if k >= 250 && k < 750 { // 10 s of 0-60 ms jitter in the middle
			return spike(k)
		}
		return 5 * time.Millisecond, true
	}
	r := run(t, Config{}, schedule{frames: 2500, frame: 160, period: 80, delay: delay})
	high := r.delays[14]
	end := r.delays[len(r.delays)-2]
	t.Logf("delay at 15s %v, at end %v; stats %+v", high, end, r.stats)
	if high < 35*time.Millisecond {
		t.Fatalf("delay during jitter %v, want >= 35ms", high)
	}
	if end > 35*time.Millisecond {
		t.Fatalf("delay after jitter %v, want back under 35ms", end)
	}
	if r.stats.Underruns > 15 {
		t.Fatalf("%d underruns", r.stats.Underruns)
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
