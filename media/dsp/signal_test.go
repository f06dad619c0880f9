package dsp

import (
	"math"
	"math/rand/v2"
)

// Test signals and measurements shared by the tests of this package.

func tone(rate int, freq, amp float64, n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(math.Round(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))))
	}
	return s
}

// noise is white noise of the given RMS, from a fixed seed.
func noise(seed uint64, rms float64, n int) []int16 {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := make([]int16, n)
	for i := range s {
		v := rng.NormFloat64() * rms
		s[i] = int16(math.Max(-32768, math.Min(32767, math.Round(v))))
	}
	return s
}

// amplitudeAt measures the amplitude of the component at freq by
// correlation with a sine and cosine (Goertzel-like, exact for whole cycles).
func amplitudeAt(s []int16, rate int, freq float64) float64 {
	var re, im float64
	for i, x := range s {
		ph := 2 * math.Pi * freq * float64(i) / float64(rate)
		re += float64(x) * math.Cos(ph)
		im += float64(x) * math.Sin(ph)
	}
	return 2 * math.Hypot(re, im) / float64(len(s))
}

func rms(s []int16) float64 {
	var sum float64
	for _, x := range s {
		sum += float64(x) * float64(x)
	}
	return math.Sqrt(sum / float64(len(s)))
}

func mean(s []int16) float64 {
	var sum float64
	for _, x := range s {
		sum += float64(x)
	}
	return sum / float64(len(s))
}

func maxAbs(s []int16) int {
	m := 0
	for _, x := range s {
		m = max(m, abs(int(x)))
	}
	return m
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func db(ratio float64) float64 { return 20 * math.Log10(ratio) }
