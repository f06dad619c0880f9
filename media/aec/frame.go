package aec

import "time"

// process handles one 10 ms frame in place.
func (p *Processor) process(mic []int16) {
	micMS, refMS := energy(mic), 0.0
	if p.cfg.EchoCancel {
		p.keepRefInStep()
		p.est.mic.push(mic)
		p.est.advance()
		p.align()
		p.readRef()
		refMS = energy(p.refBuf)
	}
	p.eng.cancel(mic, p.refBuf, p.linBuf)
	if p.cfg.EchoCancel && p.noEcho(refMS) {
		copy(p.linBuf, mic) // no echo possible: the microphone untouched by the filter's DC notch
	}
	if p.cfg.EchoCancel && p.eng.linear() && !p.noRES {
		p.res.process(mic, p.linBuf, p.refBuf, micMS, refMS)
	}
	copy(mic, p.linBuf)
	p.eng.denoise(mic)
	p.micPos += int64(p.frame)
	outMS := energy(mic)
	floor := p.floor.update(micMS)
	if p.cfg.EchoCancel || p.cfg.NoiseSuppress > 0 {
		p.cn.fill(mic, outMS, floor)
	}
	p.publish(micMS, outMS, floor, refMS > activeLevel)
}

// noEcho reports whether the reference fed to the filter has been silent
// for longer than the filter is long: then the microphone holds no echo,
// and the filter's output, which differs from its input only by its DC
// notch (-2.4 dB at 200 Hz, -10 dB at 100 Hz), is not used. Clean speech
// of the near end alone thus keeps its low band. The filter still runs,
// so that it holds the reference's history when the far end talks again.
func (p *Processor) noEcho(refMS float64) bool {
	if refMS > activeLevel {
		p.quiet = 0
		return false
	}
	p.quiet++
	return p.quiet > p.tailFrames
}

// keepRefInStep pads a late reference with silence (a stopped or reopened
// loudspeaker) and resyncs when the reference runs far ahead.
func (p *Processor) keepRefInStep() {
	wrote := int64(p.ring.wrote)
	if ahead := wrote - p.micPos; ahead > int64(samples(aheadReset, p.cfg.Rate)) {
		p.resync()
		return
	}
	late := p.micPos - wrote
	if late <= int64(samples(gapReset, p.cfg.Rate)) {
		return
	}
	for late > 0 {
		n := min(late, int64(len(p.zeros)))
		p.ring.write(p.zeros[:n])
		p.est.ref.push(p.zeros[:n])
		late -= n
	}
	p.restart()
}

// align keeps the echo's start (the estimated delay) within the first
// alignWaste of the filter, re-aligning to alignMargin and restarting the
// filter when it leaves. Clock drift (200 ppm: 12 ms a minute) moves the
// echo within the filter, which follows it. The reference fed is never
// newer than what Playback has written: a device callback that captures
// before it plays (the engine's order) has not written this period's
// reference yet, and a filter fed silence in its place learns nothing.
// So the feed is at least one frame more than the microphone is ahead of
// the written reference.
func (p *Processor) align() {
	if !p.est.locked {
		return
	}
	need := p.micPos + int64(p.frame) - int64(p.ring.wrote)
	delay := int64(p.est.delay + 0.5)
	start := delay - p.feed - int64(p.drift.shift)
	if p.feed >= need && start >= 0 && start <= int64(samples(alignWaste, p.cfg.Rate)) {
		return
	}
	feed := max(delay-p.margin, need+int64(p.frame), 0)
	if feed == p.feed {
		return // an echo closer than the reference allows: as near as it gets
	}
	p.feed = feed
	p.restart()
}

// readRef fills refBuf with the reference for this frame, read at the
// drift loop's rate once it has one.
func (p *Processor) readRef() {
	d := &p.drift
	if d.rate == 0 && d.shift == 0 {
		p.ring.read(p.refBuf, p.micPos-p.feed)
	} else {
		start := float64(p.micPos-p.feed) - d.shift
		p.interp.read(&p.ring, p.refBuf, start, 1-d.rate)
		d.shift += d.rate * float64(p.frame)
	}
	d.frames++
	if d.frames < driftEvery {
		return
	}
	d.frames = 0
	if pk, ok := p.eng.(peaker); ok && p.erle.peak >= 20 {
		pos, share := pk.peak()
		d.measure(pos, share, driftEvery*p.frame)
	}
}

// peaker is an engine whose filter's largest tap can be located.
type peaker interface {
	peak() (pos, share float64)
}

// publish updates the atomics read by Stats.
func (p *Processor) publish(micMS, outMS, floor float64, far bool) {
	erle := p.erle.update(micMS, outMS, far)
	s := &p.stats
	s.erle.Store(mathBits(erle))
	s.noise.Store(mathBits(dBFS(floor)))
	if p.est.locked {
		s.delay.Store(int64(time.Duration(p.est.delay) * time.Second / time.Duration(p.cfg.Rate)))
	}
	if p.est.locked && p.erle.peak >= 20 {
		s.converged.Store(true)
	}
}
