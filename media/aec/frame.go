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
		p.ring.read(p.refBuf, p.micPos-p.feed)
		refMS = energy(p.refBuf)
	}
	p.eng.process(mic, p.refBuf, p.outBuf)
	copy(mic, p.outBuf)
	p.micPos += int64(p.frame)
	if p.cfg.EchoCancel {
		p.gate.apply(mic, energy(mic), refMS)
	}
	outMS := energy(mic)
	floor := p.floor.update(micMS)
	p.cn.fill(mic, outMS, floor)
	p.publish(micMS, outMS, floor, refMS > activeLevel)
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

// align moves the reference fed to the canceller to the estimated delay
// less alignMargin: at once (with a filter reset) for a jump, one sample
// every stepEvery frames for drift, which the filter follows.
func (p *Processor) align() {
	p.frames++
	if !p.est.locked {
		return
	}
	target := max(int64(p.est.delay+0.5)-p.margin, 0)
	diff := target - p.feed
	switch {
	case abs64(diff) > int64(samples(alignJump, p.cfg.Rate)):
		p.feed = target
		p.restart()
	case abs64(diff) > int64(samples(alignSlack, p.cfg.Rate)) && p.frames >= stepEvery:
		p.feed += sign(diff)
		p.frames = 0
	}
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

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func sign(x int64) int64 {
	if x < 0 {
		return -1
	}
	return 1
}
