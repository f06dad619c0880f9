// Package fft is the radix-2 complex FFT, and the cross-correlation built
// on it, that the speech measures of the tests (internal/testsupport/stoi
// and speechq) share. It is test support: only tests and test-support
// packages import it.
package fft

import (
	"math"
	"math/bits"
)

// Transform transforms re+j*im in place (forward when inverse is false);
// the length must be a power of two (lengths under 2 are left as they
// are). The inverse is not scaled by 1/n.
func Transform(re, im []float64, inverse bool) {
	n := len(re)
	if n < 2 {
		return
	}
	shift := 64 - uint(bits.TrailingZeros(uint(n)))
	for i := 1; i < n; i++ {
		if j := int(bits.Reverse64(uint64(i)) >> shift); j > i {
			re[i], re[j] = re[j], re[i]
			im[i], im[j] = im[j], im[i]
		}
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	wr, wi := make([]float64, n/2), make([]float64, n/2)
	for k := range wr {
		s, c := math.Sincos(2 * math.Pi * float64(k) / float64(n))
		wr[k], wi[k] = c, sign*s
	}
	for size := 2; size <= n; size <<= 1 {
		half, stride := size/2, n/size
		for start := 0; start < n; start += size {
			for k := range half {
				i, j := start+k, start+k+half
				c, s := wr[k*stride], wi[k*stride]
				tr := c*re[j] - s*im[j]
				ti := c*im[j] + s*re[j]
				re[j], im[j] = re[i]-tr, im[i]-ti
				re[i], im[i] = re[i]+tr, im[i]+ti
			}
		}
	}
}

// NextPow2 returns the smallest power of two >= n (and >= 1).
func NextPow2(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

// CrossCorrelation returns c of length n (a power of two >= len(a)+len(b),
// so that no lag wraps onto another) with c[(lag+n)%n] = sum over i of
// a[i]*b[i+lag]: conj(A)*B transformed back, scaled by 1/n.
func CrossCorrelation(a, b []float64, n int) []float64 {
	ar, ai := make([]float64, n), make([]float64, n)
	br, bi := make([]float64, n), make([]float64, n)
	copy(ar, a)
	copy(br, b)
	Transform(ar, ai, false)
	Transform(br, bi, false)
	for i := range ar { // conj(A) * B
		ar[i], ai[i] = ar[i]*br[i]+ai[i]*bi[i], ar[i]*bi[i]-ai[i]*br[i]
	}
	Transform(ar, ai, true)
	for i := range ar {
		ar[i] /= float64(n)
	}
	return ar
}
