package acoustic

import (
	"math"
	"math/bits"
)

// nextPow2 returns the smallest power of two >= n (1 for n <= 1).
func nextPow2(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

// fft transforms x in place (len(x) a power of two): the forward DFT
// X[k] = sum x[n] e^(-2 pi i k n / N), or its inverse (scaled by 1/N) when
// inverse is set. Iterative radix-2, decimation in time.
func fft(x []complex128, inverse bool) {
	n := len(x)
	if n < 2 {
		return
	}
	shift := 64 - bits.Len(uint(n-1))
	for i := range x {
		j := int(bits.Reverse64(uint64(i)) >> shift)
		if j > i {
			x[i], x[j] = x[j], x[i]
		}
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	for size := 2; size <= n; size <<= 1 {
		half := size / 2
		step := sign * 2 * math.Pi / float64(size)
		wStep := complex(math.Cos(step), math.Sin(step))
		for start := 0; start < n; start += size {
			w := complex(1, 0)
			for k := range half {
				a, b := x[start+k], w*x[start+k+half]
				x[start+k], x[start+k+half] = a+b, a-b
				// Re-anchor the twiddle every 64 steps against rounding drift.
				if k&63 == 63 {
					ang := step * float64(k+1)
					w = complex(math.Cos(ang), math.Sin(ang))
				} else {
					w *= wStep
				}
			}
		}
	}
	if inverse {
		s := complex(1/float64(n), 0)
		for i := range x {
			x[i] *= s
		}
	}
}
