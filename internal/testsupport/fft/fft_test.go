package fft

import (
	"math"
	"testing"
)

// A forward transform matches the DFT's definition, and the inverse
// brings the signal back (scaled by n).
func TestTransform(t *testing.T) {
	const n = 64
	re, im := make([]float64, n), make([]float64, n)
	for i := range re {
		re[i] = math.Sin(float64(i)*0.3) + 0.5*math.Cos(float64(i)*1.7)
		im[i] = float64(i%5) - 2
	}
	x, y := append([]float64(nil), re...), append([]float64(nil), im...)
	Transform(re, im, false)
	for k := range n {
		var wr, wi float64
		for i := range n {
			s, c := math.Sincos(-2 * math.Pi * float64(k*i) / n)
			wr += x[i]*c - y[i]*s
			wi += x[i]*s + y[i]*c
		}
		if math.Abs(wr-re[k]) > 1e-9 || math.Abs(wi-im[k]) > 1e-9 {
			t.Fatalf("bin %d: %g%+gi, DFT %g%+gi", k, re[k], im[k], wr, wi)
		}
	}
	Transform(re, im, true)
	for i := range n {
		if math.Abs(re[i]/n-x[i]) > 1e-9 || math.Abs(im[i]/n-y[i]) > 1e-9 {
			t.Fatalf("sample %d back as %g%+gi, was %g%+gi", i, re[i]/n, im[i]/n, x[i], y[i])
		}
	}
}

func TestNextPow2(t *testing.T) {
	for _, c := range [][2]int{{0, 1}, {1, 1}, {2, 2}, {3, 4}, {1024, 1024}, {1025, 2048}} {
		if got := NextPow2(c[0]); got != c[1] {
			t.Errorf("NextPow2(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}

// CrossCorrelation agrees with the sum it stands for at every lag.
func TestCrossCorrelation(t *testing.T) {
	a := []float64{1, -2, 3, 0.5, -1}
	b := []float64{0.5, 2, -1, 4, 0, -3, 1}
	n := NextPow2(len(a) + len(b))
	c := CrossCorrelation(a, b, n)
	for lag := -(len(a) - 1); lag <= len(b)-1; lag++ {
		want := 0.0
		for i := range a {
			if j := i + lag; j >= 0 && j < len(b) {
				want += a[i] * b[j]
			}
		}
		if got := c[(lag+n)%n]; math.Abs(got-want) > 1e-9 {
			t.Errorf("lag %d: %g, want %g", lag, got, want)
		}
	}
}
