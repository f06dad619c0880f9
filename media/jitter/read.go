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
		b.conceal.fill(out[:k], true)
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
	b.conceal.fill(out, false)
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
