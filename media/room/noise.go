package room

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// calibrationTime is how much of a generated noise is measured, at New, to
// set its level: its RMS over the first 10 s is the noise level.
const calibrationTime = 10

// generator makes one sample of noise at a time, at an arbitrary level.
type generator interface{ next() float64 }

// newGenerator returns the generator of c.Noise or c.NoiseSamples (nil
// for none), seeded by c.Seed.
func newGenerator(c Config) generator {
	r := rand.New(rand.NewPCG(c.Seed, 0x6e6f697365))
	fs := float64(c.Rate)
	switch {
	case len(c.NoiseSamples) > 0:
		return &recorded{s: c.NoiseSamples}
	case c.Noise == NoiseWhite:
		return &white{r: r}
	case c.Noise == NoisePink:
		return &pink{r: r}
	case c.Noise == NoiseBabble:
		return newBabble(r, fs)
	case c.Noise == NoiseTraffic:
		return newTraffic(r, fs)
	}
	return nil
}

// noiseRMS is the level of what g makes: the RMS of a recording, or of
// the first 10 s of a generated noise (made by a twin generator).
func noiseRMS(c Config) float64 {
	if len(c.NoiseSamples) > 0 {
		var e float64
		for _, v := range c.NoiseSamples {
			e += float64(v) * float64(v)
		}
		return math.Sqrt(e / float64(len(c.NoiseSamples)))
	}
	g := newGenerator(c)
	n := calibrationTime * c.Rate
	var e float64
	for range n {
		v := g.next()
		e += v * v
	}
	return math.Sqrt(e / float64(n))
}

// white is Gaussian white noise.
type white struct{ r *rand.Rand }

func (w *white) next() float64 { return w.r.NormFloat64() }

// pink is Voss-McCartney pink noise (-3 dB per octave): 16 random rows,
// row k renewed every 2^(k+1) samples, summed with a white sample.
type pink struct {
	r    *rand.Rand
	rows [16]float64
	sum  float64
	n    uint32
}

func (p *pink) next() float64 {
	p.n++
	if k := bits.TrailingZeros32(p.n); k < len(p.rows) {
		v := p.r.NormFloat64()
		p.sum += v - p.rows[k]
		p.rows[k] = v
	}
	return p.sum + p.r.NormFloat64()
}

// recorded loops a recording.
type recorded struct {
	s   []int16
	pos int
}

func (r *recorded) next() float64 {
	v := r.s[r.pos]
	if r.pos++; r.pos == len(r.s) {
		r.pos = 0
	}
	return float64(v)
}
