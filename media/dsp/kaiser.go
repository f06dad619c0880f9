package dsp

import "math"

// lowPass designs a Kaiser-windowed sinc low-pass filter of n taps with
// cutoff fc given as a fraction of the sample rate (0 < fc < 0.5), scaled so
// that its coefficients sum to gain.
func lowPass(n int, fc, beta, gain float64) []float64 {
	h := make([]float64, n)
	mid := float64(n-1) / 2
	var sum float64
	for i := range h {
		x := float64(i) - mid
		h[i] = 2 * fc * sinc(2*fc*x) * kaiser(x/mid, beta)
		sum += h[i]
	}
	for i := range h {
		h[i] *= gain / sum
	}
	return h
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// kaiser is the Kaiser window at position r in [-1, 1].
func kaiser(r, beta float64) float64 {
	if r < -1 || r > 1 {
		return 0
	}
	return besselI0(beta*math.Sqrt(1-r*r)) / besselI0(beta)
}

// besselI0 is the modified Bessel function of the first kind, order 0, by
// its power series (converges quickly for the betas used here).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < sum*1e-12 {
			break
		}
	}
	return sum
}
