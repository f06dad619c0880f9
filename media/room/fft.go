package room

import (
	"math"
	"math/bits"
)

// fft is an in-place iterative radix-2 complex FFT of one size.
type fft struct {
	n   int
	tw  []complex64 // e^(-2πik/n) for k < n/2
	rev []int32     // bit-reversed index
}

func newFFT(n int) *fft {
	f := &fft{n: n, tw: make([]complex64, n/2), rev: make([]int32, n)}
	for k := range f.tw {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		f.tw[k] = complex(float32(c), float32(s))
	}
	shift := bits.UintSize - bits.Len(uint(n-1))
	for i := range f.rev {
		f.rev[i] = int32(bits.Reverse(uint(i)) >> shift)
	}
	return f
}

// transform replaces x (length n) by its DFT, or by its inverse DFT
// without the 1/n factor.
func (f *fft) transform(x []complex64, inverse bool) {
	x = x[:f.n]
	for i, j := range f.rev {
		if int(j) > i {
			x[i], x[j] = x[j], x[i]
		}
	}
	for half := 1; half < f.n; half <<= 1 {
		step := f.n / (2 * half)
		for k := 0; k < half; k++ {
			w := f.tw[k*step]
			if inverse {
				w = complex(real(w), -imag(w))
			}
			for i := k; i < f.n; i += 2 * half {
				a, b := x[i], x[i+half]*w
				x[i], x[i+half] = a+b, a-b
			}
		}
	}
}

// realFFT transforms n real samples into n/2+1 bins through one complex
// FFT of n/2 points (even samples as real parts, odd as imaginary).
type realFFT struct {
	n int
	c *fft
	w []complex64 // e^(-2πik/n) for k < n/2
	z []complex64 // scratch of n/2
}

func newRealFFT(n int) *realFFT {
	r := &realFFT{n: n, c: newFFT(n / 2), w: make([]complex64, n/2), z: make([]complex64, n/2)}
	for k := range r.w {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		r.w[k] = complex(float32(c), float32(s))
	}
	return r
}

func conj(z complex64) complex64 { return complex(real(z), -imag(z)) }

// forward writes the DFT bins 0..n/2 of x (length n) to X.
func (r *realFFT) forward(x []float32, X []complex64) {
	m, z := r.n/2, r.z
	for k := range z {
		z[k] = complex(x[2*k], x[2*k+1])
	}
	r.c.transform(z, false)
	X[0] = complex(real(z[0])+imag(z[0]), 0)
	X[m] = complex(real(z[0])-imag(z[0]), 0)
	for k := 1; k < m; k++ {
		a, b := z[k], conj(z[m-k])
		even := (a + b) * 0.5
		odd := (a - b) * complex(0, -0.5)
		X[k] = even + r.w[k]*odd
	}
}

// inverse writes to x (length n) the inverse DFT of the bins X (n/2+1 of
// them, X is kept), scaled by n/2: the caller folds 2/n into its spectra.
func (r *realFFT) inverse(X []complex64, x []float32) {
	m, z := r.n/2, r.z
	for k := range m {
		a, b := X[k], conj(X[m-k])
		even := (a + b) * 0.5
		odd := conj(r.w[k]) * (a - b) * 0.5
		z[k] = even + complex(-imag(odd), real(odd)) // even + i·odd
	}
	r.c.transform(z, true)
	for k, v := range z {
		x[2*k], x[2*k+1] = real(v), imag(v)
	}
}
