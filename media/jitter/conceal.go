package jitter

// concealer synthesises missing audio: it repeats the last frame played with
// a linear fade to silence over two frames, then gives silence.
type concealer struct {
	hist  []int16 // ring of the last frame played
	n     int     // ring length (frame size)
	pos   int     // oldest sample of the ring
	run   int64   // samples concealed in a row
	total uint64  // samples concealed while playing
}

func (c *concealer) init(maxFrame int) { c.hist = make([]int16, maxFrame) }

// setFrame sets the repeated length to the stream's frame size.
func (c *concealer) setFrame(n int) {
	if n <= 0 || n > len(c.hist) || n == c.n {
		return
	}
	c.n, c.pos = n, 0
	clear(c.hist[:n])
}

// remember records played samples and ends any concealment run.
func (c *concealer) remember(x []int16) {
	c.run = 0
	if c.n == 0 {
		return
	}
	if len(x) >= c.n {
		copy(c.hist[:c.n], x[len(x)-c.n:])
		c.pos = 0
		return
	}
	for _, v := range x {
		c.hist[c.pos] = v
		c.pos++
		if c.pos == c.n {
			c.pos = 0
		}
	}
}

// fill writes concealment into out; count says whether it replaces audio
// that should have been there (it is then counted).
func (c *concealer) fill(out []int16, count bool) {
	fade := int64(2 * c.n)
	for i := range out {
		if c.n == 0 || c.run >= fade {
			out[i] = 0
		} else {
			g := fade - c.run
			v := int64(c.hist[(c.pos+int(c.run))%c.n])
			out[i] = int16(v * g / fade)
		}
		c.run++
	}
	if count {
		c.total += uint64(len(out))
	}
}
