package jitter

import "time"

// Read fills dst with the next len(dst) samples to play; now is when the
// device asks (its callback time). It never blocks on the network: missing
// audio is concealed. It returns how many samples of dst came from
// received packets; the rest were concealed or silent. Within a talkspurt
// gaps may lie anywhere; after its last packet they are at the end.
func (b *Buffer) Read(dst []int16, now time.Time) (audio int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		clear(dst)
		return 0
	}
	b.notePull(len(dst), now)
	if !b.playing && !b.tryStart(len(dst)) {
		b.conceal.fill(dst, false)
		return 0
	}
	b.trimPlayed()
	level := b.newestEnd() - b.playTS
	if level > b.ctl.maxS+int64(len(dst)) {
		b.trimTo(b.ctl.startLevel)
		level = b.newestEnd() - b.playTS
	}
	b.ctl.pull(level, len(dst))
	d := b.ctl.step(len(dst))
	need := len(dst) + d
	if need > cap(b.scratch) || d == 0 {
		return b.fill(dst)
	}
	in := b.scratch[:need]
	audio = b.fill(in)
	varispeed(in, dst)
	if d > 0 {
		b.stats.Dropped += uint64(d)
	} else {
		b.stats.Stretched += uint64(-d)
	}
	return min(audio*len(dst)/need, len(dst))
}

// notePull records a pull for the headroom estimate. Pulls at the same
// instant are one device period read in chunks: together they are one pull.
func (b *Buffer) notePull(n int, now time.Time) {
	if b.lastPull > 0 && now.Equal(b.lastRead) {
		b.lastPull += n
		return
	}
	if b.lastPull > 0 {
		b.ctl.gran = int64(b.lastPull)
	}
	b.lastRead, b.lastReadTS, b.lastPull = now, b.playTS, n
}

// tryStart begins playout once the buffer holds the start level.
func (b *Buffer) tryStart(pull int) bool {
	if len(b.order) == 0 {
		return false
	}
	first := b.slots[b.order[0]].ts
	if b.slots[b.order[len(b.order)-1]].end()-first < b.ctl.startLevel {
		return false
	}
	b.playing, b.playTS, b.starving = true, first, false
	b.lastReadTS = first
	b.conceal.setFrame(b.frame)
	b.ctl.setShape(b.frame, pull)
	return true
}

// fill copies buffered samples from the playout point, concealing gaps,
// and returns how many it copied.
func (b *Buffer) fill(out []int16) (audio int) {
	for len(out) > 0 && b.playing {
		b.trimPlayed()
		if len(b.order) == 0 {
			b.starve(out)
			return audio
		}
		s := &b.slots[b.order[0]]
		if s.ts <= b.playTS {
			b.ready(s)
			off := b.playTS - s.ts
			k := copy(out, s.pcm[off:])
			audio += k
			b.conceal.remember(out[:k])
			b.resume()
			b.playTS += int64(k)
			out = out[k:]
			continue
		}
		gap := s.ts - b.playTS
		if gap > b.ctl.maxS {
			// a new talkspurt far ahead (sender was silent): jump to it
			b.playTS, b.starving, b.starved = s.ts, false, 0
			continue
		}
		if b.starving {
			// what was concealed while waiting stood in for a lost packet
			skip := min(gap, b.starved)
			b.conceal.total += uint64(b.starved)
			b.playTS += skip
			b.starving, b.starved = false, 0
			continue
		}
		k := int(min(gap, int64(len(out))))
		b.fillGap(out[:k], s)
		b.playTS += int64(k)
		out = out[k:]
	}
	if len(out) > 0 {
		b.conceal.fill(out, false)
	}
	return audio
}

// starve conceals without advancing the playout point: the delay grows by
// what the late packet needs. After Max of starving the talkspurt is over.
func (b *Buffer) starve(out []int16) {
	b.starving = true
	b.starved += int64(len(out))
	if b.cfg.Conceal != nil && b.starved <= b.ctl.maxS {
		b.plc = b.cfg.Conceal(b.plc[:0], len(out))
		clear(out[copy(out, b.plc):])
	} else {
		b.conceal.fill(out, false)
	}
	if b.starved > b.ctl.maxS {
		// the talkspurt is over: not an underrun, nothing concealed
		b.playing, b.starving, b.starved = false, false, 0
		b.ctl.restart()
	}
}

// resume counts an underrun when audio continues where it stopped: the
// packet was late and the wait was concealed.
func (b *Buffer) resume() {
	if b.starving {
		b.stats.Underruns++
		b.ctl.underrun()
		b.conceal.total += uint64(b.starved)
		b.starving, b.starved = false, 0
	}
}

// trimPlayed releases packets whose samples are all before the playout point.
func (b *Buffer) trimPlayed() {
	for len(b.order) > 0 && b.slots[b.order[0]].end() <= b.playTS {
		b.release(0)
	}
}

// trimTo skips old audio so that keep samples remain (above Max).
func (b *Buffer) trimTo(keep int64) {
	target := b.newestEnd() - keep
	for len(b.order) > 0 && b.slots[b.order[0]].end() <= target {
		b.release(0)
		b.stats.Discarded++
	}
	b.playTS = max(b.playTS, target)
}

// fillGap fills out with audio for the samples from the playout point that
// no packet brought, before slot next: the codec's own (Config.Conceal,
// with the gap recovered at once from next's FEC when it can be) or the
// repeated last frame.
func (b *Buffer) fillGap(out []int16, next *slot) {
	if b.cfg.Conceal == nil {
		b.conceal.fill(out, true)
		return
	}
	b.conceal.total += uint64(len(out))
	at := b.playTS
	for len(out) > 0 {
		if off := at - b.synTS; off >= 0 && off < int64(len(b.syn)) {
			k := copy(out, b.syn[off:])
			out, at = out[k:], at+int64(k)
			continue
		}
		b.synTS = at
		gap := next.ts - at
		if b.cfg.DecodeFEC != nil && !next.decoded && gap <= int64(cap(b.syn)) {
			if syn, ok := b.cfg.DecodeFEC(b.syn[:0], next.payload, int(gap)); ok && len(syn) > 0 {
				b.syn = syn
				b.recovered += uint64(len(syn))
				continue
			}
		}
		b.syn = b.cfg.Conceal(b.syn[:0], len(out))
		if len(b.syn) == 0 {
			clear(out)
			return
		}
	}
}
