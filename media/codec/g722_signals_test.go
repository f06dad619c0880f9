package codec

import (
	"math"
	"math/rand/v2"
)

// Test signals at 16 kHz, generated here so that the test vectors are
// ours. Only writeG722Vectors needs them to be reproducible bit for bit;
// the committed files are what TestG722Vectors reads.

const g722Rate = 16000

func g722ToS16(x float64) int16 {
	return int16(math.Round(max(-32768, min(32767, x))))
}

// g722Sweep is an exponential sine sweep from f0 to f1 Hz over n samples.
func g722Sweep(n int, f0, f1, amp float64) []int16 {
	out := make([]int16, n)
	dur := float64(n) / g722Rate
	k := math.Log(f1 / f0)
	for i := range out {
		tm := float64(i) / g722Rate
		phase := 2 * math.Pi * f0 * dur / k * (math.Exp(tm*k/dur) - 1)
		out[i] = g722ToS16(amp * math.Sin(phase))
	}
	return out
}

// g722Tone is a sine of freq Hz and amplitude amp.
func g722Tone(n int, freq, amp float64) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = g722ToS16(amp * math.Sin(2*math.Pi*freq*float64(i)/g722Rate))
	}
	return out
}

// g722WhiteNoise is Gaussian noise of standard deviation sigma, clipped.
func g722WhiteNoise(n int, sigma float64, seed uint64) []int16 {
	r := rand.New(rand.NewPCG(seed, 0x722))
	out := make([]int16, n)
	for i := range out {
		out[i] = g722ToS16(sigma * r.NormFloat64())
	}
	return out
}

// g722BandNoise is Gaussian noise band-passed from lo to hi Hz, scaled
// to an RMS of rms.
func g722BandNoise(n int, lo, hi, rms float64, seed uint64) []int16 {
	r := rand.New(rand.NewPCG(seed, 0x722))
	x := make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	y := g722FIRFilter(x, g722FIRBandpass(lo, hi, 255))
	var e float64
	for _, v := range y {
		e += v * v
	}
	gain := rms / math.Sqrt(e/float64(n))
	out := make([]int16, n)
	for i, v := range y {
		out[i] = g722ToS16(gain * v)
	}
	return out
}

// g722Square is a full-scale square wave of freq Hz: it sits on the
// clipping limits, the worst case for the quantisers.
func g722Square(n int, freq float64) []int16 {
	out := make([]int16, n)
	period := g722Rate / freq
	for i := range out {
		if math.Mod(float64(i), period) < period/2 {
			out[i] = 32767
		} else {
			out[i] = -32768
		}
	}
	return out
}

// g722Speech is a crude speech stand-in: 200 ms syllables, each a vowel
// (a gliding pitch pulse train through three formant resonators) or,
// every third one, a hiss (differentiated noise), normalised to a random
// peak level under a raised-cosine envelope.
func g722Speech(n int, seed uint64) []int16 {
	r := rand.New(rand.NewPCG(seed, 0x722))
	vowels := [][3]float64{{730, 1090, 2440}, {270, 2290, 3010}, {300, 870, 2240}, {530, 1840, 2480}, {570, 840, 2410}}
	syl := g722Rate / 5
	out := make([]int16, n)
	buf := make([]float64, syl)
	var res [3][2]float64 // resonator memories
	phase, prevNoise := 0.0, 0.0
	for start := 0; start < n; start += syl {
		v := vowels[r.IntN(len(vowels))]
		hiss := start/syl%3 == 2
		f0 := 100 + 80*r.Float64()
		peak := 0.0
		for i := range buf {
			k := float64(i) / float64(syl)
			var x float64
			if hiss {
				w := r.NormFloat64()
				x, prevNoise = w-prevNoise, w
			} else {
				phase += f0 * (1 + 0.2*k) / g722Rate
				if phase >= 1 {
					phase--
					x = 1
				}
				for j, f := range v {
					rad := math.Exp(-math.Pi * 90 / g722Rate)
					c := 2 * rad * math.Cos(2*math.Pi*f/g722Rate)
					y := x + c*res[j][0] - rad*rad*res[j][1]
					res[j][1], res[j][0] = res[j][0], y
					x = y
				}
			}
			buf[i] = x * (0.5 - 0.5*math.Cos(2*math.Pi*k))
			peak = max(peak, math.Abs(buf[i]))
		}
		level := 4000 + 16000*r.Float64()
		if hiss {
			level /= 4
		}
		for i := start; i < min(start+syl, n); i++ {
			out[i] = g722ToS16(buf[i-start] * level / peak)
		}
	}
	return out
}

// g722GarbageStream is a payload no encoder would send: random bytes,
// the never-sent low-band codes 0-3, and long runs of one code that drive
// the predictor's zero section far outside 16 bits (where FFmpeg and the
// saturating ITU reference part).
func g722GarbageStream(seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x722))
	var b []byte
	for range 1500 {
		b = append(b, byte(r.Uint32()))
	}
	for _, run := range []struct {
		code byte
		n    int
	}{{0x20, 1500}, {0xC8, 300}, {0xFF, 200}, {0x3D, 300}} {
		for range run.n {
			b = append(b, run.code)
		}
	}
	for range 200 {
		b = append(b, byte(r.Uint32())&0xC3)
	}
	return b
}

// g722FIRBandpass is a Blackman-windowed sinc band-pass from lo to hi Hz
// (lo 0: low-pass) with an odd number of taps.
func g722FIRBandpass(lo, hi float64, taps int) []float64 {
	h := make([]float64, taps)
	m := float64(taps-1) / 2
	sinc := func(fc, x float64) float64 {
		if x == 0 {
			return 2 * fc / g722Rate
		}
		return math.Sin(2*math.Pi*fc/g722Rate*x) / (math.Pi * x)
	}
	for i := range h {
		x := float64(i) - m
		w := 0.42 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(taps-1)) + 0.08*math.Cos(4*math.Pi*float64(i)/float64(taps-1))
		h[i] = w * (sinc(hi, x) - sinc(lo, x))
	}
	return h
}

// g722FIRFilter applies h to x; the output is delayed by (len(h)-1)/2.
func g722FIRFilter(x, h []float64) []float64 {
	y := make([]float64, len(x))
	for i := range y {
		var s float64
		for j, c := range h {
			if i-j >= 0 {
				s += c * x[i-j]
			}
		}
		y[i] = s
	}
	return y
}
