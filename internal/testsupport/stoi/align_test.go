package stoi

import (
	"math"
	"testing"
)

func TestAlignBothWays(t *testing.T) {
	x := speech(t, "inside.wav")[:3*8000]
	for _, lag := range []int{0, 1, 37, 800, -160} {
		var y []float64
		if lag >= 0 {
			y = append(make([]float64, lag), x...)
		} else {
			y = x[-lag:]
		}
		if got := Align(x, withNoise(y, 0, 5), 1000); got != lag {
			t.Errorf("copy %d samples late under noise at 0 dB SNR: Align = %d", lag, got)
		}
	}
	if got := Align(x, append(make([]float64, 900), x...), 500); got < -500 || got > 500 {
		t.Errorf("Align = %d outside the ±500 searched", got)
	}
}

func TestResampleKeepsTone(t *testing.T) {
	// A 1 kHz tone comes out at 10 kHz with the same amplitude and phase,
	// from any rate: the filter is zero-phase with unity passband gain.
	for _, from := range []int{8000, 16000, 44100, 48000} {
		x := make([]float64, from)
		for i := range x {
			x[i] = math.Sin(2 * math.Pi * 1000 * float64(i) / float64(from))
		}
		y := resample(x, from, 10000)
		if len(y) != 10000 {
			t.Fatalf("%d Hz: %d samples out, want 10000", from, len(y))
		}
		var worst float64
		for i := 200; i < len(y)-200; i++ {
			worst = max(worst, math.Abs(y[i]-math.Sin(2*math.Pi*1000*float64(i)/10000)))
		}
		if worst > 1e-3 {
			t.Errorf("%d Hz: largest error %.2g, want < 1e-3", from, worst)
		}
	}
}
