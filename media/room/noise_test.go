package room

import (
	"math"
	"testing"
	"time"
)

// speechLike is a talker stand-in: 300 ms bursts of a 300 Hz tone with
// harmonics, each followed by 200 ms of silence.
func speechLike(rate, n int) []int16 {
	x := make([]int16, n)
	for i := range x {
		if i%(rate/2) >= rate*3/10 {
			continue
		}
		ph := 2 * math.Pi * 300 * float64(i) / float64(rate)
		x[i] = int16(4000*math.Sin(ph) + 2000*math.Sin(2*ph) + 1000*math.Sin(3*ph))
	}
	return x
}

// TestActiveLevel: a tone that is on 60% of the time has the active
// level of the tone alone, not the overall RMS (2.2 dB less).
func TestActiveLevel(t *testing.T) {
	x := toFloat(speechLike(8000, 8000*4))
	var on []float32
	for i, v := range x {
		if i%4000 < 2400 {
			on = append(on, v)
		}
	}
	if d := 20 * math.Log10(activeLevel(x, 8000)/rms(on)); math.Abs(d) > 0.2 {
		t.Errorf("active level %.2f dB from the bursts' RMS", d)
	}
	if activeLevel(make([]float32, 800), 8000) != 0 {
		t.Error("silence has an active level")
	}
}

// TestSNR: over the calibration window (10 s) each noise is SNR dB below
// the talker's active level (±1 dB), or below -26 dBFS with no talker
// (or a silent one).
func TestSNR(t *testing.T) {
	t.Parallel()
	const rate = 8000
	talker := speechLike(rate, 2*rate)
	rec := randomSignal(3, 12345, 500)
	for _, c := range []Config{
		{Noise: NoiseWhite, SNR: 10, Talker: talker, TalkerLoop: true},
		{Noise: NoisePink, SNR: 0, Talker: talker, TalkerLoop: true, TalkerGainDB: -6},
		{Noise: NoiseBabble, SNR: 15, Talker: talker, TalkerLoop: true},
		{Noise: NoiseTraffic, SNR: 5, Talker: talker, TalkerLoop: true},
		{NoiseSamples: rec, SNR: 20, Talker: talker, TalkerLoop: true},
		{Noise: NoiseTraffic, SNR: 10},
		{Noise: NoisePink, SNR: -5},
		{Noise: NoiseWhite, SNR: 10, Talker: make([]int16, 800)}, // silent: as if none
	} {
		c.Rate, c.Seed = rate, 21
		p := run(mustNew(t, c), make([]int16, calibrationTime*rate), 80)
		ref := 32768 * db(-26)
		if a := activeLevel(p.near, rate); a > 0 {
			ref = a
		}
		if got := 20 * math.Log10(ref/rms(p.noise)); math.Abs(got-c.SNR) > 1 {
			t.Errorf("noise %q%s: SNR %.2f dB, want %g", c.Noise, map[bool]string{true: " (recorded)"}[c.NoiseSamples != nil], got, c.SNR)
		}
	}
}

// TestNoiseSpectra: pink falls by about 3 dB per octave; traffic and
// babble have most of their power low, white is flat.
func TestNoiseSpectra(t *testing.T) {
	t.Parallel()
	const rate = 16000
	for _, c := range []struct {
		noise  string
		lo, hi float64 // power of the 4-8 kHz octave against the 250-500 Hz octave, dB
	}{
		{NoiseWhite, 11, 13},   // 16 times the bandwidth
		{NoisePink, -1.5, 1.5}, // equal power per octave
		{NoiseBabble, -40, -18},
		{NoiseTraffic, -30, -10}, // brown-ish: -12 dB for 1/f² power
	} {
		r := mustNew(t, Config{Rate: rate, Noise: c.noise, SNR: 0, Seed: 5})
		p := run(r, make([]int16, 2*rate), 160)
		d := 10 * math.Log10(bandPower(p.noise, rate, 4000, 8000)/bandPower(p.noise, rate, 250, 500))
		if d < c.lo || d > c.hi {
			t.Errorf("%s: 4-8 kHz is %.1f dB against 250-500 Hz, want %g to %g", c.noise, d, c.lo, c.hi)
		}
	}
}

// bandPower is the power of x between lo and hi Hz, by an averaged
// periodogram of 1024-point blocks.
func bandPower(x []float32, rate int, lo, hi float64) float64 {
	const n = 1024
	f := newRealFFT(n)
	X := make([]complex64, n/2+1)
	var p float64
	for i := 0; i+n <= len(x); i += n {
		f.forward(x[i:i+n], X)
		for k, v := range X {
			if hz := float64(k) * float64(rate) / n; hz >= lo && hz < hi {
				p += float64(real(v))*float64(real(v)) + float64(imag(v))*float64(imag(v))
			}
		}
	}
	return p
}

// TestTalkerEnds: without TalkerLoop the talker plays once.
func TestTalkerEnds(t *testing.T) {
	talker := speechLike(8000, 1000)
	p := run(mustNew(t, Config{Rate: 8000, Talker: talker, Delay: time.Millisecond}), make([]int16, 3000), 80)
	for i, v := range p.near {
		if i < 1000 && v != float32(talker[i]) || i >= 1000 && v != 0 {
			t.Fatalf("sample %d: near %g", i, v)
		}
	}
}
