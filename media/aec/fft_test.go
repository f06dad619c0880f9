package aec

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// TestFFT checks the transform against the direct DFT and the round trip.
func TestFFT(t *testing.T) {
	const n = 64
	f := newFFT(n)
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	y := append([]complex128(nil), x...)
	f.forward(y)
	for k := range n {
		var want complex128
		for i, v := range x {
			want += v * cmplx.Exp(complex(0, -2*math.Pi*float64(i*k)/n))
		}
		if cmplx.Abs(y[k]-want) > 1e-9 {
			t.Fatalf("bin %d: %v, want %v", k, y[k], want)
		}
	}
	f.inverse(y)
	for i := range x {
		if cmplx.Abs(y[i]-x[i]) > 1e-12 {
			t.Fatalf("round trip %d: %v, want %v", i, y[i], x[i])
		}
	}
}
