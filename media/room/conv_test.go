package room

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestConvolverMatchesDirect: the partitioned FFT convolution equals the
// direct convolution on random data, for responses shorter than one
// block, of a few blocks and of hundreds.
func TestConvolverMatchesDirect(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 10, 16, 17, 100, 1000, 3000} {
		h := make([]float32, n)
		for i := range h {
			h[i] = float32(r.NormFloat64() * math.Exp(-float64(i)/float64(n)))
		}
		x := make([]float32, 2*n+500)
		for i := range x {
			x[i] = float32(r.NormFloat64() * 1000)
		}
		c := newConvolver(h)
		var maxErr, maxY float64
		for i := range x {
			var want float64
			for k := 0; k < n && k <= i; k++ {
				want += float64(h[k]) * float64(x[i-k])
			}
			got := float64(c.process(x[i]))
			maxErr, maxY = max(maxErr, math.Abs(got-want)), max(maxY, math.Abs(want))
		}
		if maxErr > 2e-5*maxY {
			t.Errorf("%d taps (block %d): max error %g for outputs up to %g", n, c.b, maxErr, maxY)
		}
	}
}

// TestRealFFTRoundTrip checks the real FFT against a direct DFT and its
// inverse against the input.
func TestRealFFTRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 64
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	f := newRealFFT(n)
	X := make([]complex64, n/2+1)
	f.forward(x, X)
	for k := range X {
		var want complex128
		for i, v := range x {
			s, c := math.Sincos(-2 * math.Pi * float64(k*i) / n)
			want += complex(float64(v)*c, float64(v)*s)
		}
		if d := complex128(X[k]) - want; math.Hypot(real(d), imag(d)) > 1e-4 {
			t.Fatalf("bin %d = %v, want %v", k, X[k], want)
		}
	}
	y := make([]float32, n)
	f.inverse(X, y)
	for i := range y {
		if d := y[i]/(n/2) - x[i]; math.Abs(float64(d)) > 1e-5 {
			t.Fatalf("inverse sample %d = %g, want %g", i, y[i]/(n/2), x[i])
		}
	}
}
