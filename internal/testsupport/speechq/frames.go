package speechq

import (
	"fmt"
	"math"
)

const (
	// dynRange is how far under the loudest frame of the clean signal a
	// frame is silent and left out (as in STOI).
	dynRange = 40.0 // dB
	// minRate is the lowest rate that holds a 20 ms frame of one sample.
	minRate = 50
)

// silentRatio is dynRange as an energy ratio.
var silentRatio = math.Pow(10, -dynRange/10)

// compared checks a clean and degraded pair and returns the length both
// are compared over: a degraded signal longer than the clean one is cut to
// its length; one shorter by up to a tenth cuts the clean signal instead;
// one shorter still is ErrLength.
func compared(fn string, clean, degraded []float64, rate int) (int, error) {
	if rate < minRate {
		return 0, fmt.Errorf("speechq.%s at %d Hz: %w", fn, rate, ErrRate)
	}
	if len(degraded) < len(clean)-len(clean)/10 {
		return 0, fmt.Errorf("speechq.%s: %d degraded samples for %d clean: %w", fn, len(degraded), len(clean), ErrLength)
	}
	return min(len(clean), len(degraded)), nil
}

// hann is a Hann window of n points that excludes the zero end points.
func hann(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i+1)/float64(n+1))
	}
	return w
}

func energy(x []float64) float64 {
	var e float64
	for _, v := range x {
		e += v * v
	}
	return e
}
