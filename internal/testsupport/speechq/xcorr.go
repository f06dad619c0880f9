package speechq

import (
	"github.com/skoip/skoip/internal/testsupport/fft"
)

// crossCorrelation returns c of length n (a power of two >= len(a)+len(b))
// with c[(lag+n)%n] = sum over i of a[i]*b[i+lag].
func crossCorrelation(a, b []float64, n int) []float64 {
	ar, ai := make([]float64, n), make([]float64, n)
	br, bi := make([]float64, n), make([]float64, n)
	copy(ar, a)
	copy(br, b)
	fft.Transform(ar, ai, false)
	fft.Transform(br, bi, false)
	for i := range ar { // conj(A) * B
		ar[i], ai[i] = ar[i]*br[i]+ai[i]*bi[i], ar[i]*bi[i]-ai[i]*br[i]
	}
	fft.Transform(ar, ai, true)
	for i := range ar {
		ar[i] /= float64(n)
	}
	return ar
}
