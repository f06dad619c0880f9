package e2e

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestVoiceMatch checks the measure of room_test.go on made-up signals: a
// delayed copy of the looped source scores 1 at its delay, an unrelated
// signal scores near 0, and a copy buried in another signal at equal
// level scores about 0.7.
func TestVoiceMatch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	src, other := make([]int16, 3000), make([]int16, 20000)
	for i := range src {
		src[i] = int16(r.NormFloat64() * 3000)
	}
	for i := range other {
		other[i] = int16(r.NormFloat64() * 3000)
	}
	const delay = 417
	rec, mix := make([]int16, 20000), make([]int16, 20000)
	for i := range rec {
		rec[i] = src[((i-delay)%len(src)+len(src))%len(src)]
		mix[i] = rec[i]/2 + other[i]/2
	}
	span := [2]int{1000, 19000}
	if c, lag := voiceMatch(rec, span, src, 0, len(src)); math.Abs(c-1) > 1e-9 || lag != delay {
		t.Errorf("delayed copy: %.6f at lag %d, want 1 at %d", c, lag, delay)
	}
	if c, _ := voiceMatch(other, span, src, 0, len(src)); c > 0.05 {
		t.Errorf("unrelated noise: %.3f, want near 0", c)
	}
	if c, lag := voiceMatch(mix, span, src, 0, 1000); math.Abs(c-math.Sqrt(0.5)) > 0.03 || lag != delay {
		t.Errorf("copy mixed with noise at equal level: %.3f at lag %d, want 0.71 at %d", c, lag, delay)
	}
}
