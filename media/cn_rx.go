package media

import "github.com/skoip/skoip/media/cn"

// comfortNoise is the receive side of RFC 3389: after a CN packet, what
// the playout buffer lacks (concealment, silence) is replaced by noise at
// the received level, until audio that arrived after it plays again. It is
// guarded by the Stream's lock.
type comfortNoise struct {
	gen      *cn.Generator
	active   bool // a CN packet arrived since audio last played
	resumed  bool // audio packets arrived after it
	received uint64
	invalid  uint64
}

func newComfortNoise(seed uint64) comfortNoise {
	return comfortNoise{gen: cn.NewGenerator(seed)}
}

// onCN takes one CN payload from the network.
func (c *comfortNoise) onCN(payload []byte) {
	var p cn.Payload
	if err := p.Unmarshal(payload); err != nil {
		c.invalid++
		return
	}
	c.received++
	c.gen.SetLevel(p.Level)
	c.active, c.resumed = true, false
}

// onAudio notes an audio packet: the silence period is ending.
func (c *comfortNoise) onAudio() { c.resumed = c.active }

// fill replaces the samples of chunk after its first audio ones (which came
// from packets) with noise while a silence period lasts.
func (c *comfortNoise) fill(chunk []int16, audio int) {
	if !c.active {
		return
	}
	if audio < len(chunk) {
		c.gen.Fill(chunk[audio:])
		return
	}
	if c.resumed {
		c.active, c.resumed = false, false
	}
}

// reset forgets the silence period (new remote source).
func (c *comfortNoise) reset() { c.active, c.resumed = false, false }
