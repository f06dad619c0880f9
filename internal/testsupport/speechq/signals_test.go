package speechq

import (
	"math"
	"math/rand/v2"
)

// speechLike is d seconds at rate Hz of a deterministic stand-in for
// wideband speech: syllables of 150-300 ms, voiced (harmonics of a gliding
// 100-220 Hz pitch up to 7.8 kHz, falling 4 dB an octave) or fricative
// (noise rising with frequency), separated by pauses of 80-250 ms of
// silence, with a 10 ms fade at each edge.
func speechLike(rate int, d float64, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 2))
	x := make([]float64, int(d*float64(rate)))
	fade := rate / 100
	for pos := rate / 10; pos < len(x); {
		n := min(len(x)-pos, rate*(150+r.IntN(150))/1000)
		voiced := r.Float64() < 0.7
		f0, glide := 100+120*r.Float64(), 0.6+0.8*r.Float64()
		amp := 0.15 + 0.25*r.Float64()
		var phase, prev float64
		for i := range n {
			env := amp * min(1, float64(i)/float64(fade), float64(n-1-i)/float64(fade))
			var v float64
			if voiced {
				f := f0 * (1 + (glide-1)*float64(i)/float64(n))
				phase += 2 * math.Pi * f / float64(rate)
				for h := 1; float64(h)*f < min(7800, 0.49*float64(rate)); h++ {
					v += math.Pow(float64(h), -0.66) * math.Sin(float64(h)*phase)
				}
				v *= 0.3
			} else {
				w := r.NormFloat64()
				v, prev = 0.5*(w-0.7*prev), w // a first difference: rising with frequency
			}
			x[pos+i] = env * v
		}
		pos += n + rate*(80+r.IntN(170))/1000
	}
	return x
}

// withFrameNoise adds white Gaussian noise at snr dB under the energy of
// each 20 ms frame of x (a frame of silence gets none).
func withFrameNoise(x []float64, rate int, snr float64, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 3))
	fl := rate / 50
	y := append([]float64(nil), x...)
	for s := 0; s+fl <= len(x); s += fl {
		sigma := math.Sqrt(energy(x[s:s+fl]) / float64(fl) / math.Pow(10, snr/10))
		for i := s; i < s+fl; i++ {
			y[i] += sigma * r.NormFloat64()
		}
	}
	return y
}

// withNoise adds white Gaussian noise at snr dB under the power of all x.
func withNoise(x []float64, snr float64, seed uint64) []float64 {
	sigma := math.Sqrt(energy(x) / float64(len(x)) / math.Pow(10, snr/10))
	r := rand.New(rand.NewPCG(seed, 1))
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = v + sigma*r.NormFloat64()
	}
	return y
}

// lowPass filters x with a zero-phase windowed-sinc FIR (Blackman, 401
// taps) cutting at fc Hz: about 70 dB down from fc+100 Hz.
func lowPass(x []float64, rate int, fc float64) []float64 {
	const half = 200
	h := make([]float64, 2*half+1)
	f := fc / float64(rate)
	for i := range h {
		k := float64(i - half)
		s := 2 * f
		if k != 0 {
			s = math.Sin(2*math.Pi*f*k) / (math.Pi * k)
		}
		w := 0.42 - 0.5*math.Cos(2*math.Pi*float64(i)/(2*half)) + 0.08*math.Cos(4*math.Pi*float64(i)/(2*half))
		h[i] = s * w
	}
	y := make([]float64, len(x))
	for n := range y {
		var s float64
		for i, c := range h {
			if j := n + i - half; j >= 0 && j < len(x) {
				s += c * x[j]
			}
		}
		y[n] = s
	}
	return y
}

func scaled(x []float64, g float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = g * v
	}
	return y
}

// delayed is x lag samples late (lag > 0: zeros first) or early.
func delayed(x []float64, lag int) []float64 {
	if lag >= 0 {
		return append(make([]float64, lag), x...)
	}
	return append([]float64(nil), x[-lag:]...)
}
