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
	itw []complex128 // their conjugates
	rev []int
}

func newFFT(n int) fft {
	f := fft{n: n, tw: make([]complex128, n/2), itw: make([]complex128, n/2), rev: make([]int, n)}
	for k := range f.tw {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		f.tw[k], f.itw[k] = complex(c, s), complex(c, -s)
	}
	shift := bits.LeadingZeros(uint(n)) + 1
	for i := range f.rev {
		f.rev[i] = int(bits.Reverse(uint(i)) >> shift)
	}
	return f
}

// forward transforms x in place (no scaling).
func (f *fft) forward(x []complex128) { f.run(x, f.tw) }

// inverse transforms x in place and scales by 1/n.
func (f *fft) inverse(x []complex128) {
	f.run(x, f.itw)
	s := 1 / float64(f.n)
	for i, v := range x {
		x[i] = complex(real(v)*s, imag(v)*s)
	}
}

func (f *fft) run(x []complex128, tw []complex128) {
	for i, j := range f.rev {
		if i < j {
			x[i], x[j] = x[j], x[i]
		}
	}
	for i := 0; i < f.n; i += 2 { // size 2: no twiddles
		a, b := x[i], x[i+1]
		x[i], x[i+1] = a+b, a-b
	}
	for size := 4; size <= f.n; size <<= 1 {
		half, step := size/2, f.n/size
		for start := 0; start < f.n; start += size {
			lo, hi := x[start:start+half], x[start+half:start+size]
			for k := range lo {
				w := tw[k*step]
				b := hi[k]
				br := real(b)*real(w) - imag(b)*imag(w)
				bi := real(b)*imag(w) + imag(b)*real(w)
				a := lo[k]
				lo[k] = complex(real(a)+br, imag(a)+bi)
				hi[k] = complex(real(a)-br, imag(a)-bi)
			}
		}
	}
}
