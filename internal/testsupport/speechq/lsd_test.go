package speechq

import (
	"math"
	"testing"
)

// A low-pass at 3.4 kHz (a narrowband path) takes the 3.4-7 kHz band
// down by more than 20 dB and raises the LSD over 50-7000 Hz clearly
// above what noise at 20 dB does, while the LSD under 3 kHz stays small.
func TestLowPass(t *testing.T) {
	const rate = 16000
	x := speechLike(rate, 4, 12)
	y := lowPass(x, rate, 3400)
	wide, err := LSD(x, y, rate, 50, 7000)
	if err != nil {
		t.Fatal(err)
	}
	low, err := LSD(x, y, rate, 50, 3000)
	if err != nil {
		t.Fatal(err)
	}
	noisy, err := LSD(x, withFrameNoise(x, rate, 20, 13), rate, 50, 7000)
	if err != nil {
		t.Fatal(err)
	}
	drop := BandEnergyDB(x, rate, 3400, 7000) - BandEnergyDB(y, rate, 3400, 7000)
	keep := BandEnergyDB(x, rate, 50, 3000) - BandEnergyDB(y, rate, 50, 3000)
	t.Logf("low-pass at 3.4 kHz: LSD 50-7000 Hz %.2f dB, 50-3000 Hz %.2f dB (noise at 20 dB: %.2f dB); 3.4-7 kHz %.1f dB down, 50-3000 Hz %.2f dB",
		wide, low, noisy, drop, keep)
	if wide < 10 || wide < 2*noisy || low > 1 {
		t.Errorf("LSD of the low-passed copy: %.2f dB over 50-7000 Hz (noise at 20 dB: %.2f), %.2f dB over 50-3000 Hz; want > 10 and twice the noise's, and < 1",
			wide, noisy, low)
	}
	if drop < 20 || math.Abs(keep) > 0.5 {
		t.Errorf("low-pass: 3.4-7 kHz band %.1f dB down (want > 20), 50-3000 Hz %.2f dB (want within 0.5)", drop, keep)
	}
}

// LSD grows with the noise.
func TestLSDNoise(t *testing.T) {
	const rate = 16000
	x := speechLike(rate, 4, 14)
	prev := 0.0
	for _, snr := range []float64{30, 20, 10, 0} {
		d, err := LSD(x, withFrameNoise(x, rate, snr, 15), rate, 50, 7000)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("noise at %2.0f dB: LSD %.2f dB", snr, d)
		if d <= prev {
			t.Errorf("noise at %.0f dB: LSD %.2f not above %.2f at the SNR above", snr, d, prev)
		}
		prev = d
	}
}

// A sine of amplitude 1 has a mean power of 1/2: -3 dB in its band, far
// down outside it.
func TestBandEnergySine(t *testing.T) {
	for _, rate := range []int{8000, 16000, 48000} {
		x := make([]float64, rate)
		for i := range x {
			x[i] = math.Sin(2 * math.Pi * 1000 * float64(i) / float64(rate))
		}
		in, out := BandEnergyDB(x, rate, 500, 1500), BandEnergyDB(x, rate, 2000, 3400)
		if math.Abs(in+3.01) > 0.1 || out > -60 {
			t.Errorf("%d Hz: 1 kHz sine: %.2f dB in 500-1500 Hz (want -3.01), %.1f dB in 2000-3400 Hz (want < -60)", rate, in, out)
		}
	}
	if e := BandEnergyDB(make([]float64, 1000), 8000, 50, 3400); !math.IsInf(e, -1) {
		t.Errorf("silence: %v dB, want -Inf", e)
	}
}
