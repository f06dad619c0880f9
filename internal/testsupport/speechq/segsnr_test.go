package speechq

import (
	"errors"
	"math"
	"testing"
)

func TestIdentity(t *testing.T) {
	for _, rate := range []int{8000, 16000, 48000} {
		x := speechLike(rate, 3, 7)
		s, err := SegSNR(x, x, rate)
		if err != nil || s != segMaxDB {
			t.Errorf("%d Hz: SegSNR of a copy %v %v, want %v", rate, s, err, segMaxDB)
		}
		d, err := LSD(x, x, rate, 50, min(7000, float64(rate)/2))
		if err != nil || d != 0 {
			t.Errorf("%d Hz: LSD of a copy %v %v, want 0", rate, d, err)
		}
		// A call changes the level: a quieter copy is a copy.
		if s, _ := SegSNR(x, scaled(x, 0.1), rate); s < segMaxDB-1e-6 {
			t.Errorf("%d Hz: SegSNR of a copy at -20 dB %.3f, want %v", rate, s, segMaxDB)
		}
		if d, _ := LSD(x, scaled(x, 0.1), rate, 50, min(7000, float64(rate)/2)); d > 1e-6 {
			t.Errorf("%d Hz: LSD of a copy at -20 dB %.3g, want 0", rate, d)
		}
	}
}

// White noise at S dB under each frame gives S back within 1 dB (exactly
// 10*log10(1+10^(S/10)) expected, after the least-squares gain), up to
// the 35 dB cap; lower SNR scores lower.
func TestSegSNRWhiteNoise(t *testing.T) {
	const rate = 16000
	x := speechLike(rate, 5, 8)
	prev := math.Inf(1)
	for _, snr := range []float64{30, 20, 10, 5, 0} {
		s, err := SegSNR(x, withFrameNoise(x, rate, snr, uint64(snr)+1), rate)
		if err != nil {
			t.Fatal(err)
		}
		want := 10 * math.Log10(1+math.Pow(10, snr/10))
		t.Logf("noise at %2.0f dB: SegSNR %.2f dB (expected %.2f)", snr, s, want)
		if math.Abs(s-want) > 1 || snr >= 10 && math.Abs(s-snr) > 1 {
			t.Errorf("noise at %.0f dB: SegSNR %.2f dB, want %.2f ± 1", snr, s, want)
		}
		if s >= prev {
			t.Errorf("noise at %.0f dB: SegSNR %.2f not under %.2f at the SNR above", snr, s, prev)
		}
		prev = s
	}
	if s, _ := SegSNR(x, withFrameNoise(x, rate, 50, 9), rate); s != segMaxDB {
		t.Errorf("noise at 50 dB: SegSNR %.2f, want the cap %v", s, segMaxDB)
	}
	// Noise alone: every frame at the floor.
	noise := withNoise(x, 0, 3)
	for i, v := range x {
		noise[i] -= v
	}
	if s, _ := SegSNR(x, noise, rate); math.Abs(s) > 0.5 {
		t.Errorf("noise alone: SegSNR %.2f, want about 0 (the gain is about 0, the error the clean signal)", s)
	}
}

// Misaligned by a sample at 8 kHz, the waveform measure drops; the caller
// aligns.
func TestSegSNRNeedsAlignment(t *testing.T) {
	const rate = 8000
	x := speechLike(rate, 3, 10)
	s, err := SegSNR(x, delayed(x, 3), rate)
	if err != nil {
		t.Fatal(err)
	}
	if s > 10 {
		t.Errorf("3 samples late: SegSNR %.1f, want well under the cap", s)
	}
}

func TestErrors(t *testing.T) {
	x := speechLike(16000, 2, 11)
	for _, c := range []struct {
		name string
		err  error
		call func() error
	}{
		{"SegSNR rate 0", ErrRate, func() error { _, err := SegSNR(x, x, 0); return err }},
		{"SegSNR rate -8000", ErrRate, func() error { _, err := SegSNR(x, x, -8000); return err }},
		{"LSD rate 0", ErrRate, func() error { _, err := LSD(x, x, 0, 50, 7000); return err }},
		{"SegSNR short degraded", ErrLength, func() error { _, err := SegSNR(x, x[:len(x)/2], 16000); return err }},
		{"LSD short degraded", ErrLength, func() error { _, err := LSD(x, x[:len(x)/2], 16000, 50, 7000); return err }},
		{"LSD band above Nyquist", ErrBand, func() error { _, err := LSD(x, x, 8000, 50, 7000); return err }},
		{"LSD band upside down", ErrBand, func() error { _, err := LSD(x, x, 16000, 7000, 50); return err }},
		{"LSD band negative", ErrBand, func() error { _, err := LSD(x, x, 16000, -1, 7000); return err }},
		{"LSD band between bins", ErrBand, func() error { _, err := LSD(x, x, 16000, 1001, 1010); return err }},
		{"SegSNR silence", ErrTooShort, func() error { _, err := SegSNR(make([]float64, 16000), x, 16000); return err }},
		{"SegSNR 0.1 s", ErrTooShort, func() error { _, err := SegSNR(x[1600:3200], x[1600:3200], 16000); return err }},
		{"LSD silence", ErrTooShort, func() error { _, err := LSD(make([]float64, 16000), x, 16000, 50, 7000); return err }},
	} {
		if err := c.call(); !errors.Is(err, c.err) {
			t.Errorf("%s: %v, want %v", c.name, err, c.err)
		}
	}
	// A degraded signal up to a tenth shorter is scored over its length.
	if _, err := SegSNR(x, x[:len(x)*95/100], 16000); err != nil {
		t.Errorf("SegSNR, degraded 5%% shorter: %v", err)
	}
	for _, v := range []float64{
		BandEnergyDB(x, 0, 50, 7000), BandEnergyDB(x, 16000, 50, 9000), BandEnergyDB(x[:100], 16000, 50, 7000),
	} {
		if !math.IsNaN(v) {
			t.Errorf("BandEnergyDB of an invalid input: %v, want NaN", v)
		}
	}
}
