package aec

import "math"

// envRing turns a signal into one feature per 2 ms block: the block's RMS
// minus its 50 ms running mean (a high-passed amplitude envelope, which
// correlates sharply at the echo's delay), and keeps the last len(feat).
type envRing struct {
	blk    int       // samples per block
	feat   []float32 // by block index & mask
	active []bool    // block louder than activeLevel
	mask   uint64
	blocks uint64 // complete blocks since reset
	acc    float64
	n      int
	smooth float64
	mean   float64
}

// Envelope filter per block: a low pass that removes pitch, a high pass.
const (
	envSmooth = 0.5
	envMean   = 0.125
)

// activeLevel is the mean square of a block that counts as sound:
// -55 dBFS (RMS 58).
const activeLevel = 58 * 58

func newEnvRing(blk, size int) envRing {
	return envRing{blk: blk, feat: make([]float32, size), active: make([]bool, size), mask: uint64(size - 1)}
}

func (e *envRing) push(s []int16) {
	for _, v := range s {
		x := float64(v)
		e.acc += x * x
		e.n++
		if e.n == e.blk {
			e.emit(e.acc / float64(e.blk))
			e.acc, e.n = 0, 0
		}
	}
}

func (e *envRing) emit(ms float64) {
	e.smooth += envSmooth * (math.Sqrt(ms) - e.smooth)
	e.mean += envMean * (e.smooth - e.mean)
	i := e.blocks & e.mask
	e.feat[i] = float32(e.smooth - e.mean)
	e.active[i] = ms > activeLevel
	e.blocks++
}

func (e *envRing) reset() {
	clear(e.feat)
	clear(e.active)
	e.blocks, e.acc, e.n, e.smooth, e.mean = 0, 0, 0, 0, 0
}
