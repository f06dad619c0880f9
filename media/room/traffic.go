package room

import (
	"math"
	"math/rand/v2"
)

// traffic is street noise: brown-ish noise (white through a low-pass at
// 50 Hz, -6 dB per octave above it) plus a rumble (second-order
// Butterworth low-pass at 300 Hz, at half its amplitude), times the swell of cars passing. A car passing at
// closest time t0 adds a·τ²/(τ²+(t-t0)²) to the power (a source moving
// past at constant speed; τ of 0.8 to 2 s, a of 0.5 to 1.5) on top of a
// background of 0.15; cars arrive every 1 s plus an exponential time of
// mean 3 s (every 4 s on average).
type traffic struct {
	r      *rand.Rand
	brown  onePole
	rumble biquad
	gb, gr float64 // normalise each filter's output to unit variance
	cars   [4]car
	newest int
	t, fs  float64
}

type car struct{ t0, tau, a float64 } // in samples; a = 0: none

func newTraffic(r *rand.Rand, fs float64) *traffic {
	t := &traffic{r: r, brown: newOnePole(50, fs), rumble: butterworth(300, fs, false), fs: fs}
	// unit variance for unit white noise: a one-pole low-pass of
	// coefficient a has variance a/(2-a); the Butterworth about 2·fc/fs
	t.gb, t.gr = math.Sqrt((2-t.brown.a)/t.brown.a), 0.5*math.Sqrt(fs/600)
	t.cars[0].t0 = -2 * fs
	return t
}

func (t *traffic) next() float64 {
	if last := t.cars[t.newest]; t.t > last.t0-6*t.fs {
		t.newest = (t.newest + 1) % len(t.cars)
		t.cars[t.newest] = car{
			t0:  last.t0 + t.fs*(1+3*t.r.ExpFloat64()),
			tau: t.fs * (0.8 + 1.2*t.r.Float64()),
			a:   0.5 + t.r.Float64(),
		}
	}
	p := 0.15
	for _, c := range t.cars {
		d := (t.t - c.t0) / max(c.tau, 1)
		p += c.a / (1 + d*d)
	}
	t.t++
	x := t.r.NormFloat64()
	return math.Sqrt(p) * (t.gb*t.brown.step(x) + t.gr*t.rumble.step(x))
}
