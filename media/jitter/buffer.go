package jitter

import (
	"sync"
	"time"
)

// slot holds one decoded packet.
type slot struct {
	ts  int64 // extended RTP timestamp of the first sample
	pcm []int16
}

func (s *slot) end() int64 { return s.ts + int64(len(s.pcm)) }

// Buffer is a playout buffer. Put and Read may be called from different
// goroutines.
type Buffer struct {
	cfg Config
	mu  sync.Mutex

	slots []slot
	order []int // slot indices sorted by ts
	free  []int

	haveTS  bool
	lastRaw uint32
	lastExt int64

	playing  bool
	starving bool  // nothing to play mid-talkspurt; the playout point waits
	starved  int64 // samples concealed while starving
	playTS   int64 // extended timestamp of the next sample to play
	frame    int   // samples per packet, learned

	lastRead   time.Time // when the device last pulled
	lastReadTS int64     // playout point at that pull
	lastPull   int       // samples of that pull

	conceal concealer
	ctl     controller
	scratch []int16
	stats   Stats
}

// New returns an empty buffer.
func New(cfg Config) *Buffer {
	cfg = cfg.withDefaults()
	b := &Buffer{cfg: cfg, slots: make([]slot, cfg.Slots)}
	for i := range b.slots {
		b.slots[i].pcm = make([]int16, 0, cfg.MaxFrame)
	}
	b.order = make([]int, 0, cfg.Slots)
	b.free = make([]int, 0, cfg.Slots)
	b.conceal.init(cfg.MaxFrame)
	b.ctl.init(cfg)
	b.scratch = make([]int16, 0, 4096)
	b.resetLocked()
	return b
}

// Reset empties the buffer (new remote SSRC); counters are kept.
func (b *Buffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.resetLocked()
}

func (b *Buffer) resetLocked() {
	b.order = b.order[:0]
	b.free = b.free[:0]
	for i := range b.slots {
		b.free = append(b.free, i)
	}
	b.haveTS = false
	b.playing, b.starving, b.starved = false, false, 0
	b.ctl.restart()
}

// Put decodes one packet (RTP timestamp ts, arrived at) into the buffer. The
// payload is not kept.
func (b *Buffer) Put(ts uint32, payload []byte, at time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ext := b.extend(ts)
	b.observeArrival(ext, at)
	if b.playing && ext < b.playTS && b.isOld(ext) {
		b.stats.Late++
		return
	}
	if b.has(ext) {
		b.stats.Discarded++
		return
	}
	if len(b.free) == 0 {
		b.dropOldest()
	}
	i := b.free[len(b.free)-1]
	s := &b.slots[i]
	s.ts = ext
	s.pcm = b.cfg.Decode(s.pcm[:0], payload)
	if len(s.pcm) > b.cfg.MaxFrame {
		s.pcm = s.pcm[:b.cfg.MaxFrame]
	}
	if len(s.pcm) == 0 || (b.playing && s.end() <= b.playTS) {
		if len(s.pcm) != 0 {
			b.stats.Late++
		}
		return
	}
	b.free = b.free[:len(b.free)-1]
	b.frame = len(s.pcm)
	b.insert(i)
}

// observeArrival measures the headroom of a packet in samples: when the
// pull that needs its first sample will start (extrapolated from the last
// pull at the nominal rate) minus its arrival time. Packets that arrive while
// the buffer starves are left out: the starving already added their delay.
func (b *Buffer) observeArrival(ext int64, at time.Time) {
	if !b.playing || b.starving || b.lastRead.IsZero() || b.lastPull == 0 {
		return
	}
	ahead := ext - b.lastReadTS
	p := int64(b.lastPull)
	pullStart := ahead - ((ahead%p)+p)%p
	since := int64(at.Sub(b.lastRead)) * int64(b.cfg.ClockRate) / int64(time.Second)
	b.ctl.headroom(pullStart - since)
}

// isOld says whether a packet starting at ext lies wholly before the playout
// point, judged by the learned frame size.
func (b *Buffer) isOld(ext int64) bool { return ext+int64(max(b.frame, 1)) <= b.playTS }

// extend unwraps a 32-bit timestamp relative to the previous one.
func (b *Buffer) extend(ts uint32) int64 {
	if !b.haveTS {
		b.haveTS, b.lastRaw, b.lastExt = true, ts, int64(ts)
		return b.lastExt
	}
	ext := b.lastExt + int64(int32(ts-b.lastRaw))
	if ext > b.lastExt {
		b.lastRaw, b.lastExt = ts, ext
	}
	return ext
}

func (b *Buffer) has(ext int64) bool {
	for _, i := range b.order {
		if b.slots[i].ts == ext {
			return true
		}
	}
	return false
}

// insert places slot i in timestamp order (reordering is rare, so the scan
// from the end is short).
func (b *Buffer) insert(i int) {
	ts := b.slots[i].ts
	b.order = append(b.order, i)
	j := len(b.order) - 1
	for j > 0 && b.slots[b.order[j-1]].ts > ts {
		b.order[j] = b.order[j-1]
		j--
	}
	b.order[j] = i
}

func (b *Buffer) dropOldest() {
	b.release(0)
	b.stats.Discarded++
}

// release frees the slot at position k of order.
func (b *Buffer) release(k int) {
	b.free = append(b.free, b.order[k])
	b.order = append(b.order[:k], b.order[k+1:]...)
}

// newestEnd is the extended timestamp just past the newest sample held.
func (b *Buffer) newestEnd() int64 {
	if len(b.order) == 0 {
		return b.playTS
	}
	return b.slots[b.order[len(b.order)-1]].end()
}

// Stats returns a snapshot of the counters.
func (b *Buffer) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.stats
	st.Delay = b.cfg.duration(b.ctl.level)
	if b.frame > 0 {
		st.Concealed = b.conceal.total / uint64(b.frame)
	}
	return st
}
