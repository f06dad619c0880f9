package room

import (
	"math"

	"github.com/skoip/skoip/media/dsp"
)

// convolver is a zero-latency FIR filter for long responses: the first
// block of b taps is convolved directly, sample by sample; the taps from b
// on by uniformly partitioned overlap-save FFT convolution (frequency
// domain delay line), whose one block of latency those taps do not see.
// Cost per sample: about b multiply-adds plus len(h)/b complex
// multiply-adds. No allocation after newConvolver.
type convolver struct {
	b     int
	head  []float32 // taps 0..b-1, reversed
	hist  []float32 // the last b inputs, written twice (2b) so they are contiguous
	hpos  int
	parts []complex64 // P spectra of b+1 bins: taps b(p+1)..b(p+2)-1, scaled by 1/b
	fdl   []complex64 // P spectra of input frames, newest at fpos
	fpos  int
	nbins int
	frame []float32 // 2b: the previous block and the current one
	pos   int       // samples of the current block
	acc   []complex64
	tail  []float32 // 2b; tail[b:] is the current block's tail output
	rf    *realFFT
}

// blockFor is the block size for a response of n taps: the power of two
// nearest sqrt(n), which balances the direct and FFT costs, 16 to 512.
func blockFor(n int) int {
	b := 16
	for b < 512 && b*b < 4*n {
		b *= 2
	}
	return b
}

func newConvolver(h []float32) *convolver {
	b := blockFor(len(h))
	c := &convolver{b: b, head: make([]float32, b), hist: make([]float32, 2*b), nbins: b + 1}
	for k := 0; k < b && k < len(h); k++ {
		c.head[b-1-k] = h[k]
	}
	p := 0
	if len(h) > b {
		p = (len(h) - 1) / b // partitions of the taps b..len(h)-1
	}
	if p == 0 {
		return c
	}
	c.rf = newRealFFT(2 * b)
	c.parts = make([]complex64, p*c.nbins)
	c.fdl = make([]complex64, p*c.nbins)
	c.frame = make([]float32, 2*b)
	c.acc = make([]complex64, c.nbins)
	c.tail = make([]float32, 2*b)
	seg := make([]float32, 2*b)
	for i := range p {
		clear(seg)
		copy(seg, h[b*(i+1):min(len(h), b*(i+2))])
		for k := range seg {
			seg[k] /= float32(b)
		}
		c.rf.forward(seg, c.parts[i*c.nbins:(i+1)*c.nbins])
	}
	return c
}

// process filters one sample.
func (c *convolver) process(x float32) float32 {
	c.hist[c.hpos], c.hist[c.hpos+c.b] = x, x
	c.hpos++
	if c.hpos == c.b {
		c.hpos = 0
	}
	y := dsp.Dot(c.head, c.hist[c.hpos:c.hpos+c.b])
	if c.rf == nil {
		return y
	}
	y += c.tail[c.b+c.pos]
	c.frame[c.b+c.pos] = x
	c.pos++
	if c.pos == c.b {
		c.block()
	}
	return y
}

// block runs at the end of each block: the tail output of the next block
// is the sum over partitions p of H_p times the spectrum of the frame that
// ended p-1 blocks ago.
func (c *convolver) block() {
	nb, np := c.nbins, len(c.parts)/c.nbins
	c.fpos++
	if c.fpos == np {
		c.fpos = 0
	}
	c.rf.forward(c.frame, c.fdl[c.fpos*nb:(c.fpos+1)*nb])
	copy(c.frame, c.frame[c.b:])
	c.pos = 0
	clear(c.acc)
	acc := c.acc[:nb]
	f := c.fpos
	for p := range np {
		macc(acc, c.parts[p*nb:(p+1)*nb], c.fdl[f*nb:(f+1)*nb])
		if f--; f < 0 {
			f = np - 1
		}
	}
	c.rf.inverse(acc, c.tail)
}

// macc adds h·x, bin by bin, to acc. (Spelt out in real and imaginary
// parts: 25% faster than Go's complex64 product.)
func macc(acc, h, x []complex64) {
	h, x = h[:len(acc)], x[:len(acc)]
	for k := range acc {
		hr, hi, xr, xi := real(h[k]), imag(h[k]), real(x[k]), imag(x[k])
		acc[k] += complex(hr*xr-hi*xi, hr*xi+hi*xr)
	}
}

// db is the amplitude ratio of a gain in dB.
func db(g float64) float64 { return math.Pow(10, g/20) }
