package cn

import "math"

// Generator makes white noise at a comfort noise level. It allocates
// nothing and is not safe for concurrent use.
type Generator struct {
	state uint64
	amp   float64 // peak of the uniform distribution
}

// NewGenerator returns a generator seeded with seed (any value), silent
// until SetLevel.
func NewGenerator(seed uint64) *Generator {
	return &Generator{state: seed | 1}
}

// SetLevel sets the noise level in -dBov (as carried in Payload.Level).
// Uniform noise of peak A has an RMS of A/sqrt(3); 0 dBov is an RMS of
// 32768 (a full-scale square wave).
func (g *Generator) SetLevel(level uint8) {
	if level >= MaxLevel {
		g.amp = 0
		return
	}
	rms := 32768 * math.Pow(10, -float64(level)/20)
	g.amp = min(rms*math.Sqrt(3), 32767)
}

// Fill overwrites dst with noise.
func (g *Generator) Fill(dst []int16) {
	for i := range dst {
		dst[i] = int16(g.amp * g.uniform())
	}
}

// uniform returns a value in [-1, 1) from an xorshift64* sequence.
func (g *Generator) uniform() float64 {
	g.state ^= g.state >> 12
	g.state ^= g.state << 25
	g.state ^= g.state >> 27
	v := g.state * 0x2545F4914F6CDD1D
	return float64(v>>11)/float64(1<<52) - 1
}
