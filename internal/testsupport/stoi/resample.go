package stoi

import "math"

// Resampler design: the windowed sinc spans 16 zero crossings on each side
// of its centre, with a Kaiser window (beta 8, side lobes about 80 dB
// down), and cuts at 95% of the lower Nyquist frequency.
const (
	sincZeros  = 16
	kaiserBeta = 8.0
	cutoffFrac = 0.95
)

// resample converts x from rate from to rate to with a zero-phase
// windowed-sinc filter: the output starts with the input, has
// len(x)*to/from samples and unity gain in the passband.
func resample(x []float64, from, to int) []float64 {
	if from == to {
		return append([]float64(nil), x...)
	}
	g := gcd(from, to)
	l, m := to/g, from/g
	fc := cutoffFrac * float64(min(from, to)) / 2 / float64(from) // cycles per input sample
	half := int(math.Ceil(sincZeros / (2 * fc)))
	taps := phaseTaps(l, half, fc)
	out := make([]float64, len(x)*l/m)
	for n := range out {
		num := n * m
		base, p := num/l, num%l
		var sum float64
		for j, h := range taps[p] {
			if k := base + j - half + 1; k >= 0 && k < len(x) {
				sum += x[k] * h
			}
		}
		out[n] = sum
	}
	return out
}

// phaseTaps returns, for each of the l phases p, the 2*half taps that
// weigh input samples base-half+1 .. base+half for an output at input time
// base + p/l.
func phaseTaps(l, half int, fc float64) [][]float64 {
	taps := make([][]float64, l)
	i0 := besselI0(kaiserBeta)
	for p := range taps {
		taps[p] = make([]float64, 2*half)
		frac := float64(p) / float64(l)
		for j := range taps[p] {
			d := frac - float64(j-half+1) // distance from the output, in input samples
			r := d / float64(half)
			if r <= -1 || r >= 1 {
				continue
			}
			w := besselI0(kaiserBeta*math.Sqrt(1-r*r)) / i0
			taps[p][j] = w * 2 * fc * sinc(2*fc*d)
		}
	}
	return taps
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// besselI0 is the modified Bessel function of the first kind, order 0, by
// its power series.
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; term > 1e-12*sum; k++ {
		term *= (x / 2 / float64(k)) * (x / 2 / float64(k))
		sum += term
	}
	return sum
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
