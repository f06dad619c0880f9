package media

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skoip/skoip/media/dsp"
)

// Engine owns the audio device and runs the per-period audio path at
// Config.Rate (8 or 16 kHz): capture -> resample to that rate -> echo
// cancellation and noise suppression ->
// enhancement -> prompts -> VAD -> encode -> RTP, and RTP -> playout buffer
// -> decode -> prompts -> gain -> (the canceller's reference) -> resample
// -> playback.
// At most one started Stream gets the device at a time.
type Engine struct {
	cfg Config
	dev AudioDevice
	log *slog.Logger

	mute atomic.Bool
	// echoHint is a measured echo delay (ns) waiting for the device
	// goroutine to hand it to the canceller; 0: none.
	echoHint atomic.Int64

	mu      sync.Mutex // guards active, prompts, closed
	active  *Stream
	prompts []*playing
	tap     *Tap   // the microphone's Tap, nil when none
	probe   *probe // the Probe in progress, nil when none
	closed  bool

	path *audioPath // used only on the device goroutine

	promptAdded func() // tests: called once Play has queued its prompt
}

// NewEngine builds the audio path and starts the device.
func NewEngine(cfg Config, dev AudioDevice) (*Engine, error) {
	cfg = cfg.withDefaults()
	if cfg.Rate != narrowRate && cfg.Rate != wideRate {
		return nil, fmt.Errorf("media.NewEngine: %w (%d Hz)", ErrRate, cfg.Rate)
	}
	e := &Engine{cfg: cfg, dev: dev, log: cfg.Logger.With("component", "media")}
	p, err := newAudioPath(cfg, dev.SampleRate())
	if err != nil {
		return nil, fmt.Errorf("media.NewEngine: %w", err)
	}
	e.path = p
	if err := dev.Start(e.callback); err != nil {
		return nil, errors.Join(fmt.Errorf("AudioDevice.Start: %w", err), p.echo.close())
	}
	return e, nil
}

// Close stops the device. Streams must be closed by their owners.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	prompts := e.prompts
	e.prompts = nil
	tap := e.tap
	e.tap = nil
	e.mu.Unlock()
	if tap != nil {
		tap.close()
	}
	for _, p := range prompts {
		p.finish(false)
	}
	if err := e.dev.Stop(); err != nil {
		return fmt.Errorf("AudioDevice.Stop: %w", err) // the callback may still run: keep the canceller
	}
	return e.path.echo.close()
}

// Rate is the rate the engine mixes and codes at, Hz (Config.Rate).
func (e *Engine) Rate() int { return e.cfg.Rate }

// HintEchoDelay gives the echo canceller the speaker-to-microphone delay
// measured by a Probe (the self-test), as its estimate until it finds its
// own; it takes effect at the next device period.
func (e *Engine) HintEchoDelay(d time.Duration) {
	if d > 0 {
		e.echoHint.Store(int64(d))
	}
}

// SetMute mutes (true) or unmutes the microphone; prompts still go out.
func (e *Engine) SetMute(on bool) { e.mute.Store(on) }

// NewStream binds an RTP/RTCP port pair on local for a new call.
func (e *Engine) NewStream(local netip.Addr) (*Stream, error) {
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	return newStream(e, local)
}

// activate gives the device to s.
func (e *Engine) activate(s *Stream) {
	e.mu.Lock()
	e.active = s
	if e.probe != nil {
		e.probe.abort()
	}
	e.mu.Unlock()
}

// deactivate takes the device from s if it has it.
func (e *Engine) deactivate(s *Stream) {
	e.mu.Lock()
	if e.active == s {
		e.active = nil
	}
	e.mu.Unlock()
}

// snapshot returns what the callback needs under one lock.
func (e *Engine) snapshot(dst []*playing) (*Stream, []*playing, *Tap, *probe) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.active, append(dst[:0], e.prompts...), e.tap, e.probe.begin()
}

// newVAD builds the send-side VAD.
func newVAD(cfg VADConfig, rate int) (*dsp.VAD, error) {
	v, err := dsp.NewVAD(rate, cfg)
	if err != nil {
		return nil, fmt.Errorf("dsp.NewVAD: %w", err)
	}
	return v, nil
}
