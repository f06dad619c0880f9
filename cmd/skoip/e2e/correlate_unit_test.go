package e2e

import (
	"math/rand/v2"
	"testing"
)

// The correlator itself: a delayed, attenuated, noisy copy of a source
// matches it; another signal does not.
func TestCorrelateFindsDelayedCopy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]int16, 20000)
	other := make([]int16, 20000)
	for i := range src {
		src[i] = int16(rng.NormFloat64() * 4000)
		other[i] = int16(rng.NormFloat64() * 4000)
	}
	rec := make([]int16, 30000)
	for i := range rec {
		rec[i] = src[(i+12345)%len(src)]/2 + int16(rng.NormFloat64()*300)
	}
	if m := correlate(rec, src, 4000, 5); m.Windows != 5 || m.Min < 0.95 {
		t.Errorf("copy: %v, want every window > 0.95", m)
	}
	if m := correlate(rec, other, 4000, 5); m.Max > 0.2 {
		t.Errorf("unrelated: %v, want < 0.2", m)
	}
	if m := correlate(make([]int16, 8000), src, 4000, 5); m.Windows != 0 {
		t.Errorf("silence: %v, want no voiced window", m)
	}
}

// A recording whose playout delay shrinks in the middle (the jitter buffer
// plays 1/32 fast for 4 s after a stall of the machine) still matches its
// source: the windows that span the change are matched at a speed within
// 1/32, and the lags before and after differ by what was taken out. The
// other talker's speech does not match it any better for that.
func TestCorrelateFollowsVarispeed(t *testing.T) {
	src, other := mustReadWAV(t, testdata("inside.wav")), mustReadWAV(t, testdata("door.wav"))
	var rec []int16
	pos := 5000.0
	for i := 0; i < 48000; i++ {
		j := int(pos)
		f := pos - float64(j)
		a, b := float64(src[j%len(src)]), float64(src[(j+1)%len(src)])
		rec = append(rec, int16(a+(b-a)*f))
		speed := 1.0
		if i >= 8000 && i < 40000 {
			speed += 1.0 / 32
		}
		pos += speed
	}
	hear := correlate(rec, src, 1600, 30)
	t.Logf("hears: %v", hear)
	if hear.Median < clean.median || hear.Good < clean.good {
		t.Errorf("varispeed copy: %v, want median >= %.2f and >= %.0f%% good windows", hear, clean.median, 100*clean.good)
	}
	if first, last := hear.Lags[0], hear.Lags[len(hear.Lags)-1]; last-first < 980 || last-first > 1020 {
		t.Errorf("lags moved by %d samples, want the 1000 taken out", last-first)
	}
	self := correlate(rec, other, 1600, 30)
	t.Logf("other talker: %v", self)
	if self.Good > 0.05 || self.Median > 0.7 {
		t.Errorf("other talker: %v, want at most 5%% good windows and a median <= 0.7", self)
	}
}
