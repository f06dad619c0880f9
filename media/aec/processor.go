package aec

import (
	"fmt"
	"time"
)

// Alignment of the reference fed to the canceller (see align).
const (
	alignMargin = 10 * time.Millisecond  // the filter starts this much before the estimated delay
	alignWaste  = 40 * time.Millisecond  // the most the filter may start before the echo
	gapReset    = 50 * time.Millisecond  // reference this late is padded with silence
	aheadReset  = 300 * time.Millisecond // reference this far ahead of the mic resyncs
)

// Processor cancels the loudspeaker's echo in the microphone signal and
// suppresses stationary noise. Playback and Capture must be called from
// one goroutine; Stats may be called from any.
type Processor struct {
	cfg    Config
	eng    engine
	frame  int // samples per 10 ms
	ring   refRing
	est    delayEstimator
	micPos int64 // mic samples processed since resync
	feed   int64 // delay of the reference fed to the canceller, samples
	margin int64
	// quiet counts the frames since the aligned reference last sounded;
	// past tailFrames (the filter's length and 50 ms) no echo can remain.
	quiet, tailFrames int

	refBuf, linBuf []int16
	zeros          []int16
	fifo           framer
	erle           erleMeter
	floor          noiseFloor
	cn             comfortNoise
	res            suppressor
	drift          driftLoop
	interp         interpolator
	noRES          bool // tests: the engine alone
	stats          statsBox
	closed         bool
}

// New builds a Processor; Close frees its C memory.
func New(cfg Config) (*Processor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	frame := cfg.Rate / 100
	tail, maxDelay := samples(cfg.Tail, cfg.Rate), samples(cfg.MaxDelay, cfg.Rate)
	eng, err := newEngine(cfg.Engine, engineParams{rate: cfg.Rate, frame: frame, tail: tail, echo: cfg.EchoCancel, noiseDB: cfg.NoiseSuppress})
	if err != nil {
		return nil, fmt.Errorf("aec.New: %s: %w", cfg.Engine, err)
	}
	blk := cfg.Rate / 500
	p := &Processor{
		cfg: cfg, eng: eng, frame: frame,
		ring:       newRefRing(maxDelay + tail + samples(aheadReset+time.Second, cfg.Rate)),
		est:        newDelayEstimator(blk, maxDelay/blk+1),
		margin:     int64(samples(alignMargin, cfg.Rate)),
		tailFrames: (tail+samples(50*time.Millisecond, cfg.Rate))/frame + 1,
		refBuf:     make([]int16, frame), linBuf: make([]int16, frame), zeros: make([]int16, frame),
		fifo:  newFramer(frame),
		cn:    newComfortNoise(cfg.NoiseSuppress),
		res:   newSuppressor(cfg.Rate, frame),
		drift: newDriftLoop(), interp: newInterpolator(),
	}
	p.erle.reset()
	return p, nil
}

// Playback records samples sent to the loudspeaker, in order.
func (p *Processor) Playback(ref []int16) {
	if p.closed || !p.cfg.EchoCancel {
		return
	}
	p.ring.write(ref)
	p.est.ref.push(ref)
	p.est.advance()
}

// Capture removes the echo and noise from mic in place. Lengths that are
// multiples of 10 ms add no delay; others go through a FIFO that delays the
// signal by 10 ms less one sample.
func (p *Processor) Capture(mic []int16) {
	if p.closed {
		return
	}
	p.fifo.run(mic, p.process)
}

// Stats returns the current figures; safe from any goroutine.
func (p *Processor) Stats() Stats { return p.stats.load() }

// Reset forgets the echo path, the delay and the reference history, as
// after reopening the audio device.
func (p *Processor) Reset() {
	if p.closed {
		return
	}
	p.resync()
}

// HintDelay gives the bulk echo delay measured beforehand (the self-test's
// round trip): until the estimator locks on its own, the filter is aligned
// with it from the first frame, and a Reset returns to it. The estimator
// still moves away from it when the echo says otherwise. Delays outside
// 0..MaxDelay are ignored.
func (p *Processor) HintDelay(d time.Duration) {
	n := samples(d, p.cfg.Rate)
	if p.closed || n <= 0 || n >= p.est.lags*p.est.ref.blk {
		return
	}
	p.est.hint = float64(n)
	if !p.est.locked {
		p.est.locked, p.est.delay = true, p.est.hint
	}
}

// Close frees the engine; later calls do nothing.
func (p *Processor) Close() error {
	if !p.closed {
		p.closed = true
		p.eng.close()
	}
	return nil
}

// resync restarts alignment and convergence from nothing.
func (p *Processor) resync() {
	p.ring.reset()
	p.est.reset()
	p.micPos, p.feed = 0, 0
	p.restart()
}

// restart resets the canceller's filter and counts a re-convergence.
func (p *Processor) restart() {
	p.eng.reset()
	p.res.reset()
	p.drift.restart()
	p.erle.reset()
	p.stats.converged.Store(false)
	p.stats.resets.Add(1)
}
