package room

import (
	"fmt"
	"testing"
	"time"
)

// benchConfig is a worst case: long reverberation, drift, clipping, a
// path change ahead (two responses running), babble and a talker.
func benchConfig(rate int, t60 time.Duration) Config {
	return Config{Rate: rate, Delay: 100 * time.Millisecond, T60: t60, Clip: 2, DriftPPM: 200,
		ChangeAt: time.Hour, Talker: speechLike(rate, rate), TalkerLoop: true, Noise: NoiseBabble, SNR: 10, Seed: 1}
}

// TestStepAllocs: a period costs no allocation.
func TestStepAllocs(t *testing.T) {
	c := benchConfig(8000, 300*time.Millisecond)
	c.Noise = NoiseWhite // babble's calibration is slow under the race detector
	r := mustNew(t, c)
	played, mic := randomSignal(1, 80, 3000), make([]int16, 80)
	echo := make([]float32, 80)
	r.Step(played, mic)
	if n := testing.AllocsPerRun(200, func() { r.StepParts(played, mic, echo, nil, nil) }); n != 0 {
		t.Errorf("%v allocations per Step", n)
	}
}

// BenchmarkStep: one 10 ms period (an op) at each rate for T60 0.3 s and
// 0.8 s.
func BenchmarkStep(b *testing.B) {
	for _, rate := range []int{8000, 16000, 48000} {
		for _, t60 := range []time.Duration{300 * time.Millisecond, 800 * time.Millisecond} {
			b.Run(fmt.Sprintf("%dHz/T60=%v", rate, t60), func(b *testing.B) {
				c := benchConfig(rate, t60)
				c.ChangeAt = 0
				r := mustNew(b, c)
				n := rate / 100
				played, mic := randomSignal(1, n, 3000), make([]int16, n)
				b.ReportAllocs()
				for b.Loop() {
					r.Step(played, mic)
				}
			})
		}
	}
}
