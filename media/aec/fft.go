package aec

import (
	"math"
	"math/bits"
)

// fft is an in-place radix-2 complex FFT of a fixed power-of-two size,
// with its twiddles and bit-reversal table computed once.
type fft struct {
	n   int
	tw  []complex128 // exp(-2πik/n), k < n/2
	rev []int
}

func newFFT(n int) fft {
	f := fft{n: n, tw: make([]complex128, n/2), rev: make([]int, n)}
	for k := range f.tw {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		f.tw[k] = complex(c, s)
	}
	shift := bits.LeadingZeros(uint(n)) + 1
	for i := range f.rev {
		f.rev[i] = int(bits.Reverse(uint(i)) >> shift)
	}
	return f
}

// forward transforms x in place (no scaling).
func (f *fft) forward(x []complex128) { f.run(x, false) }

// inverse transforms x in place and scales by 1/n.
func (f *fft) inverse(x []complex128) {
	f.run(x, true)
	s := complex(1/float64(f.n), 0)
	for i := range x {
		x[i] *= s
	}
}

func (f *fft) run(x []complex128, inv bool) {
	for i, j := range f.rev {
		if i < j {
			x[i], x[j] = x[j], x[i]
		}
	}
	for size := 2; size <= f.n; size <<= 1 {
		half, step := size/2, f.n/size
		for start := 0; start < f.n; start += size {
			for k := range half {
				w := f.tw[k*step]
				if inv {
					w = complex(real(w), -imag(w))
				}
				a, b := x[start+k], x[start+k+half]*w
				x[start+k], x[start+k+half] = a+b, a-b
			}
		}
	}
}
