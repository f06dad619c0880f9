package jitter

import (
	"sync"
	"time"
)

// slot holds one packet: decoded, or with Config.Samples its payload until
// playout reaches it.
type slot struct {
	ts      int64 // position of the first sample: the extended RTP timestamp in samples
	n       int   // samples it holds
	pcm     []int16
	payload []byte
	decoded bool
}

func (s *slot) end() int64 { return s.ts + int64(s.n) }

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
	// syn is codec-made audio (Config.Conceal, DecodeFEC) for a gap,
	// starting at position synTS; plc is scratch for concealment while
	// starving.
	syn       []int16
	synTS     int64
	plc       []int16
	recovered uint64  // samples made by DecodeFEC
	dec       []int16 // deferred decoding: the samples of cur
	cur       *slot   // the slot decoded into dec, nil when none
	stats     Stats
	closed    bool
}

// New returns an empty buffer.
func New(cfg Config) *Buffer {
	cfg = cfg.withDefaults()
	b := &Buffer{cfg: cfg, slots: make([]slot, cfg.Slots)}
	if cfg.Samples != nil {
		// Deferred decoding: only the slot being played is decoded, into
		// dec; payloads get the room they need (the first packets of a
		// call allocate it, later ones reuse it).
		b.dec = make([]int16, 0, cfg.MaxFrame)
	} else {
		for i := range b.slots {
			b.slots[i].pcm = make([]int16, 0, cfg.MaxFrame)
		}
	}
	if cfg.Conceal != nil {
		b.syn = make([]int16, 0, int(cfg.samples(cfg.Max))+2*cfg.MaxFrame)
		b.plc = make([]int16, 0, 4096)
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
	b.syn = b.syn[:0]
	if b.cur != nil {
		b.cur.pcm, b.cur.decoded = nil, false
		b.cur = nil
	}
	b.ctl.restart()
}

// Close empties the buffer; Put then does nothing and Read gives silence.
// Once Close returns, no call of Config.Decode, Conceal or DecodeFEC is
// running or will run: the codec may be freed.
func (b *Buffer) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.resetLocked()
}

// Put decodes one packet (RTP timestamp ts, arrived at) into the buffer. The
// payload is not kept.
func (b *Buffer) Put(ts uint32, payload []byte, at time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	ext := b.extend(ts) * int64(b.cfg.TSNum) / int64(b.cfg.TSDen)
	b.observeArrival(ext, at)
	if b.playing && ext < b.playTS && b.isOld(ext) {
		b.stats.Late++
		return
	}
	if b.has(ext) {
		b.stats.Discarded++
		return
	}
	n := 0
	if b.cfg.Samples != nil {
		if n = min(b.cfg.Samples(payload), b.cfg.MaxFrame); n <= 0 || len(payload) > b.cfg.MaxPayload {
			b.stats.Discarded++ // malformed or oversized: not audio we can play
			return
		}
	}
	if len(b.free) == 0 {
		b.dropOldest()
	}
	i := b.free[len(b.free)-1]
	s := &b.slots[i]
	s.ts = ext
	if b.cfg.Samples != nil {
		if s == b.cur {
			b.cur = nil
		}
		s.n, s.payload, s.pcm, s.decoded = n, append(s.payload[:0], payload...), nil, false
	} else {
		s.pcm = b.cfg.Decode(s.pcm[:0], payload)
		if len(s.pcm) > b.cfg.MaxFrame {
			s.pcm = s.pcm[:b.cfg.MaxFrame]
		}
		s.n, s.decoded = len(s.pcm), true
	}
	if s.n == 0 || (b.playing && s.end() <= b.playTS) {
		if s.n != 0 {
			b.stats.Late++
		}
		return
	}
	b.free = b.free[:len(b.free)-1]
	b.frame = s.n
	b.insert(i)
}

// ready decodes a deferred slot, to exactly the samples it announced, into
// the one decoding buffer (the slot decoded before loses it).
func (b *Buffer) ready(s *slot) {
	if s.decoded {
		return
	}
	if b.cur != nil {
		b.cur.pcm, b.cur.decoded = nil, false
	}
	b.dec = b.cfg.Decode(b.dec[:0], s.payload)
	if len(b.dec) > s.n {
		b.dec = b.dec[:s.n]
	}
	for len(b.dec) < s.n {
		b.dec = append(b.dec, 0)
	}
	s.pcm, s.decoded, b.cur = b.dec, true, s
	b.syn = b.syn[:0] // the decoder moved on: what was made for the gap is spent
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
		st.Recovered = b.recovered / uint64(b.frame)
	}
	return st
}
