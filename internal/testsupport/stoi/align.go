package stoi

import "github.com/skoip/skoip/internal/testsupport/fft"

// Align returns the lag, within ±maxLag samples, at which degraded best
// matches clean: the one that maximises the cross-correlation
// sum(clean[i] * degraded[i+lag]). A positive lag means degraded is late;
// degraded[lag:] then lines up with clean. It computes the correlation
// with FFTs, so long signals and wide searches stay fast.
func Align(clean, degraded []float64, maxLag int) int {
	if len(clean) == 0 || len(degraded) == 0 || maxLag < 0 {
		return 0
	}
	n := fft.NextPow2(len(clean) + len(degraded))
	cr := fft.CrossCorrelation(clean, degraded, n)
	best, bestLag := 0.0, 0
	for lag := -min(maxLag, len(clean)-1); lag <= min(maxLag, len(degraded)-1); lag++ {
		if v := cr[(lag+n)%n]; v > best {
			best, bestLag = v, lag
		}
	}
	return bestLag
}
