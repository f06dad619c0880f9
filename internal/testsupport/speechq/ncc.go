package speechq

import "math"

// NCC is the normalised cross-correlation of two equal-length slices of
// samples at lag 0: 1 for a copy at any gain, 0 when either is silent.
func NCC(a, b []int16) float64 {
	var ab, aa, bb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		ab += x * y
		aa += x * x
		bb += y * y
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}
