package jitter

import "math"

// controller keeps the playout delay near what the jitter needs: it tracks
// the headroom of arriving packets (how long before their first sample is
// pulled they arrived, minus one pull) and decides how many samples to
// shorten (positive) or stretch (negative).
type controller struct {
	minS, maxS int64 // delay bounds in samples
	safety     int64 // headroom kept, 5 ms
	blockLen   int64 // decision period in samples pulled, 1 s
	rate       int64

	level    float64 // smoothed buffered samples at each pull
	pulled   int64
	blockMin int64
	prevMin  int64
	// history holds the minimum headroom of the last blocks since the last
	// adjustment (a ring; nHist counts them): shortening needs need of them,
	// so that delay is quick to grow and slow to shrink. Each underrun or
	// stretch doubles need (up to maxShrinkBlocks) and each shortening halves
	// it, so that a machine or network with occasional late bursts settles at
	// a delay that covers them instead of stretching and shortening by turns.
	history    [maxShrinkBlocks]int64
	nHist      int
	need       int
	adjust     int64 // pending: + shorten, - stretch
	startLevel int64 // samples buffered at the first pull of a talkspurt
	// floor is the mean level that playout settles at when it starts with
	// minS buffered: the level sags by a packet between arrivals, so the
	// mean sits (frame-pull)/2 below what was buffered at the start.
	// Shortening never goes below it.
	floor int64
	gran  int64 // samples pulled per device period (one or more pulls at once)
}

const noHeadroom = math.MaxInt64

// shrinkBlocks is how many decision blocks (seconds of audio) of headroom
// must have been seen before the delay is shortened, at first and at least;
// maxShrinkBlocks at most.
const (
	shrinkBlocks    = 6
	maxShrinkBlocks = 12
)

func (c *controller) init(cfg Config) {
	c.rate = int64(cfg.ClockRate)
	c.minS, c.maxS = cfg.samples(cfg.Min), cfg.samples(cfg.Max)
	c.safety = c.rate / 200
	c.blockLen = c.rate
	c.startLevel = c.minS
	c.floor = c.minS
	c.need = shrinkBlocks
	c.restart()
}

// setShape learns the packet and pull sizes, which fix the floor.
func (c *controller) setShape(frame, pull int) {
	if frame <= 0 || pull <= 0 {
		return
	}
	c.floor = min(max(c.minS-int64(frame-pull)/2, 0), c.minS)
}

// restart forgets the headroom history (new talkspurt or source); the start
// level carries what was learned.
func (c *controller) restart() {
	if c.level > 0 {
		// the mean level maps back to a start level by the same sag
		c.startLevel = min(max(int64(c.level)+c.minS-c.floor, c.minS), c.maxS)
	}
	c.forget()
	c.pulled, c.adjust = 0, 0
}

// forget drops the headroom measured so far: it no longer describes the
// playout (an adjustment was made, or a new talkspurt began).
func (c *controller) forget() {
	c.blockMin, c.prevMin = noHeadroom, noHeadroom
	c.nHist = 0
}

// headroom records how many samples' time before it was needed a packet
// arrived.
func (c *controller) headroom(h int64) { c.blockMin = min(c.blockMin, h) }

// pull records the level before a pull of n samples and ends a decision
// block every second of audio.
func (c *controller) pull(level int64, n int) {
	alpha := float64(n) / float64(c.rate/2)
	c.level += (float64(level) - c.level) * min(alpha, 1)
	c.pulled += int64(n)
	if c.pulled >= c.blockLen {
		c.pulled = 0
		if c.adjust != 0 {
			// still adjusting: what was measured is already out of date
			c.forget()
			return
		}
		c.decide()
	}
}

// decide sets the adjustment for the next block. It stretches as soon as
// the minimum headroom of the last two blocks runs short, and shortens only
// when every block since the last adjustment (at least shrinkBlocks) had
// headroom to spare. Headroom moves in whole device periods (gran): a shift
// that does not move a packet into another period changes nothing but the
// offset, so adjustments are whole periods too.
func (c *controller) decide() {
	h := min(c.blockMin, c.prevMin)
	if c.blockMin != noHeadroom {
		c.history[c.nHist%maxShrinkBlocks] = c.blockMin
		c.nHist++
	}
	c.prevMin, c.blockMin = c.blockMin, noHeadroom
	long := int64(noHeadroom)
	for i := c.nHist - min(c.nHist, c.need); i < c.nHist; i++ {
		long = min(long, c.history[i%maxShrinkBlocks])
	}
	g := max(c.gran, 1)
	switch {
	case h == noHeadroom:
		c.adjust = 0
	case h < c.safety/2 && int64(c.level) < c.maxS:
		c.adjust = -g * ((c.safety - h + g - 1) / g)
		c.need = min(2*c.need, maxShrinkBlocks)
	case c.nHist >= c.need && long > 2*c.safety:
		spare := (int64(c.level) - c.floor + g/2) / g // periods above the floor, rounded
		c.adjust = g * max(min((long-c.safety)/g, spare), 0)
		if c.adjust != 0 {
			c.need = max(c.need/2, shrinkBlocks)
		}
	default:
		c.adjust = 0
	}
	if c.adjust != 0 {
		c.forget()
	}
}

// underrun records that playout had to wait for a late packet: the delay
// grew by the wait, and shortening it again must wait longer.
func (c *controller) underrun() {
	c.need = min(2*c.need, maxShrinkBlocks)
	c.forget()
}

// step returns this pull's share of the pending adjustment: at most 1/32 of
// the pull.
func (c *controller) step(n int) int {
	lim := int64(max(n/32, 1))
	d := max(min(c.adjust, lim), -lim)
	c.adjust -= d
	if d != 0 && c.adjust == 0 {
		// done: headroom measured while adjusting is out of date
		c.forget()
		c.pulled = 0
	}
	return int(d)
}

// varispeed resamples in onto out by linear interpolation, first and last
// samples aligned: a small speed change that shortens or stretches time.
func varispeed(in, out []int16) {
	if len(out) == 1 || len(in) < 2 {
		for i := range out {
			out[i] = in[min(i, len(in)-1)]
		}
		return
	}
	step := (int64(len(in)-1) << 16) / int64(len(out)-1)
	for i := range out {
		p := int64(i) * step
		j, f := p>>16, p&0xffff
		if j >= int64(len(in)-1) {
			out[i] = in[len(in)-1]
			continue
		}
		a, b := int64(in[j]), int64(in[j+1])
		out[i] = int16(a + (b-a)*f>>16)
	}
}
