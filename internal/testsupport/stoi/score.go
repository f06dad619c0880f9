package stoi

import "math"

// score correlates the clean and degraded band envelopes (indexed
// [band][frame]) over every segment of segLen frames and returns the mean
// correlation. Within a segment the degraded envelope is scaled to the
// clean one's energy and clipped at the clean one times 1+10^(-beta/20).
func score(x, y [][]float64) float64 {
	nf := len(x[0])
	clip := 1 + math.Pow(10, -betaDB/20)
	yn := make([]float64, segLen)
	var sum float64
	var count int
	for end := segLen; end <= nf; end++ {
		for k := range x {
			xs, ys := x[k][end-segLen:end], y[k][end-segLen:end]
			alpha := norm(xs) / (norm(ys) + 1e-20)
			for i, v := range ys {
				yn[i] = min(alpha*v, clip*xs[i])
			}
			sum += correlation(xs, yn)
			count++
		}
	}
	return sum / float64(count)
}

func norm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// correlation is the sample correlation coefficient of a and b.
func correlation(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var ab, aa, bb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		ab += da * db
		aa += da * da
		bb += db * db
	}
	return ab / (math.Sqrt(aa*bb) + 1e-20)
}
