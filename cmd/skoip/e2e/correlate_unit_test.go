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
