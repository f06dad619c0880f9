package dsp

import (
	"errors"
	"testing"
)

// A 1 kHz tone riding on a large DC offset comes out centred on zero and
// otherwise unchanged; mains hum below the cutoff is cut.
func TestHighPassRemovesDC(t *testing.T) {
	const rate = 8000
	hp, err := NewHighPass(rate, 100)
	if err != nil {
		t.Fatal(err)
	}
	x := tone(rate, 1000, 8000, rate)
	for i := range x {
		x[i] += 5000
	}
	if m := mean(x); m < 4990 {
		t.Fatalf("input mean %.0f, want DC 5000", m)
	}
	for i := 0; i < len(x); i += 160 {
		hp.Process(x[i : i+160])
	}
	tail := x[rate/2:]
	if m := mean(tail); m > 5 || m < -5 {
		t.Errorf("DC left after high-pass: mean %.1f", m)
	}
	if g := db(amplitudeAt(tail, rate, 1000) / 8000); g < -0.2 || g > 0.2 {
		t.Errorf("1 kHz changed by %.2f dB", g)
	}
}

func TestHighPassResponse(t *testing.T) {
	for _, c := range []struct {
		f, lo, hi float64
	}{{50, -9, -8}, {100, -3.3, -2.7}, {150, -1.7, -1.2}, {300, -0.6, -0.2}} {
		hp, _ := NewHighPass(8000, 100)
		x := tone(8000, c.f, 10000, 16000)
		hp.Process(x)
		g := db(amplitudeAt(x[8000:], 8000, c.f) / 10000)
		t.Logf("%3.0f Hz: %+.2f dB", c.f, g)
		if g < c.lo || g > c.hi {
			t.Errorf("%v Hz: %.2f dB, want [%v, %v]", c.f, g, c.lo, c.hi)
		}
	}
}

func TestHighPassConfig(t *testing.T) {
	for _, c := range []float64{0, -5, 4000, 9000} {
		if _, err := NewHighPass(8000, c); !errors.Is(err, ErrConfig) {
			t.Errorf("cutoff %v: err = %v, want ErrConfig", c, err)
		}
	}
}
