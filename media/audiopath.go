package media

import (
	"fmt"
	"time"

	"github.com/skoip/skoip/media/dsp"
)

// audioPath holds the device-goroutine state: resamplers, FIFOs at the
// engine's rate and scratch buffers, all allocated once.
type audioPath struct {
	devRate int
	rate    int            // the engine's rate
	down    *dsp.Resampler // device -> rate
	up      *dsp.Resampler // rate -> device
	capt    *capture
	echo    *echoPath
	vad     *dsp.VAD
	levels  levelMeter

	capFIFO  []int16 // capture waiting to fill a frame
	playFIFO []int16 // device-rate playback waiting for the device
	frame    []int16 // one frame being sent
	chunk    []int16 // one playback chunk (playChunk)
	prompts  []*playing
}

// playChunk is how much audio is pulled from the playout buffer at a time:
// 5 ms keeps the added delay small for any device period.
const playChunk = 5 * time.Millisecond

func newAudioPath(cfg Config, devRate int) (*audioPath, error) {
	rate := cfg.Rate
	down, err := dsp.NewResampler(devRate, rate)
	if err != nil {
		return nil, fmt.Errorf("dsp.NewResampler: %w", err)
	}
	up, err := dsp.NewResampler(rate, devRate)
	if err != nil {
		return nil, fmt.Errorf("dsp.NewResampler: %w", err)
	}
	capt, err := newCapture(cfg)
	if err != nil {
		return nil, err
	}
	vad, err := newVAD(cfg.VAD, rate)
	if err != nil {
		return nil, err
	}
	echo, err := newEchoPath(cfg)
	if err != nil {
		return nil, err
	}
	chunk := rate * int(playChunk/time.Millisecond) / 1000
	return &audioPath{
		devRate: devRate, rate: rate, down: down, up: up, capt: capt, echo: echo, vad: vad,
		levels: levelMeter{window: devRate / 10, last: Levels{MicPeakDBFS: -100, MicRMSDBFS: -100,
			SpeakerPeakDBFS: -100, SpeakerRMSDBFS: -100}},
		capFIFO:  make([]int16, 0, 8192),
		playFIFO: make([]int16, 0, 8192+up.MaxOut(chunk)),
		frame:    make([]int16, 0, rate*maxPTimeMS/1000),
		chunk:    make([]int16, chunk),
		prompts:  make([]*playing, 0, 8),
	}, nil
}

// callback is the device callback: one period of capture in, one period of
// playback out, and the RTP received meanwhile read from the socket (one
// wake-up a period for everything). It does not block (apart from short
// locks and non-blocking socket calls) and allocates nothing in steady state.
func (e *Engine) callback(in, out []int16) {
	p := e.path
	s, prompts, tap, pr := e.snapshot(p.prompts)
	p.prompts = prompts
	if s != nil {
		s.poll() // the RTP that arrived since the last period, before it is played
	}
	now := time.Now()
	if h := e.echoHint.Swap(0); h != 0 {
		p.echo.hint(time.Duration(h))
	}
	p.echo.begin(s != nil || len(p.prompts) > 0, now)
	e.captureSide(p, s, tap, pr, in)
	e.playSide(p, s, pr, out, now)
	p.levels.measure(in, out, now)
	e.reapPrompts(p.prompts)
	clear(p.prompts) // drop references until the next period
}

// captureSide resamples the period to the engine's rate and sends every full frame,
// echo-cancelled and enhanced.
func (e *Engine) captureSide(p *audioPath, s *Stream, tap *Tap, pr *probe, in []int16) {
	p.capFIFO = p.down.Process(p.capFIFO, in)
	n := frameSamples(s, p.rate)
	for len(p.capFIFO) >= n {
		f := append(p.frame[:0], p.capFIFO[:n]...)
		p.capFIFO = p.capFIFO[:copy(p.capFIFO, p.capFIFO[n:])]
		if pr != nil {
			pr.record(f) // raw: the probe measures the room, not the canceller
		}
		p.echo.capture(f)
		p.capt.process(f)
		if e.mute.Load() {
			clear(f)
		}
		if tap != nil {
			tap.write(f)
		}
		mixPrompts(p.prompts, f, ToRemote)
		speech := p.vad.Process(f) || promptsFor(p.prompts, ToRemote)
		if s != nil {
			s.sendFrame(f, speech)
		}
	}
}

// playSide fills the device period from the stream in 5 ms chunks. They
// are all read with the callback's time: the playout buffer counts them as
// one pull, which is when the device needs them.
func (e *Engine) playSide(p *audioPath, s *Stream, pr *probe, out []int16, now time.Time) {
	for len(p.playFIFO) < len(out) {
		c := p.chunk
		if s == nil || !s.readPlayout(c, now) {
			clear(c)
		}
		mixPrompts(p.prompts, c, ToLocal)
		if pr != nil {
			pr.play(c)
		}
		if g := float32(e.cfg.PlaybackGain); g != 1 {
			dsp.ApplyGain(c, g)
		}
		p.echo.playback(c)
		p.playFIFO = p.up.Process(p.playFIFO, c)
	}
	copy(out, p.playFIFO)
	p.playFIFO = p.playFIFO[:copy(p.playFIFO, p.playFIFO[len(out):])]
}

// frameSamples is the frame length of the stream's ptime at rate.
func frameSamples(s *Stream, rate int) int {
	if s == nil {
		return int(int64(rate) * int64(defaultPTime) / int64(time.Second))
	}
	// Update (a re-INVITE) may change it while the device runs.
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frame
}

// maxPTimeMS bounds a frame: 120 ms, the longest Opus packet.
const maxPTimeMS = 120
