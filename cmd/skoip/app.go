package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"os"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/audio"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
	"github.com/skoip/skoip/systemd"
)

// runApp builds the intercom from cfg (hardware, audio, media, phone), serves
// the control socket and runs until ctx ends; then it stops everything in
// reverse order. Cancelation is not an error.
func runApp(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	return runWith(ctx, cfg, log, realOpeners())
}

// runWith is runApp with the openers of its steps. An error names the step
// that failed ("audio: ...", "sip: ..."): it is the one line a failed start
// leaves in the journal.
func runWith(ctx context.Context, cfg *config.Config, log *slog.Logger, op openers) (err error) {
	started := time.Now()
	p, err := build(ctx, cfg, log, op)
	if err != nil {
		return err
	}
	defer closeInto(&err, "close", p.close)
	return p.serve(ctx, started)
}

// openers are the steps of a start that open something. realOpeners are
// the real ones; a test replaces one to make its step fail.
type openers struct {
	sounds  func(config.Sounds) (*sounds, error)
	board   func(*config.Config, *slog.Logger) (*board, error)
	relay   func(*board) (*hw.Relay, error)
	audio   func(cfg *config.Config, onHealth func(error), log *slog.Logger) (audio.Device, error)
	engine  func(media.Config, media.AudioDevice) (*media.Engine, error)
	phone   func(context.Context, phone.Config, phone.Media) (*phone.Phone, error)
	control func(path string, h map[string]handler, log *slog.Logger) (*controlServer, error)
}

func realOpeners() openers {
	return openers{
		sounds:  loadSounds,
		board:   openBoard,
		relay:   func(b *board) (*hw.Relay, error) { return b.Relay(doorRelay) },
		audio:   openAudio,
		engine:  media.NewEngine,
		phone:   phone.New,
		control: listenControl,
	}
}

// parts are the running intercom's pieces; closers release them in reverse.
type parts struct {
	cfg     *config.Config
	log     *slog.Logger
	op      openers
	brd     *board
	relay   *hw.Relay // nil without a relay
	dev     audio.Device
	eng     *media.Engine
	ph      *phone.Phone
	ic      *intercom
	closers []func() error
}

// build opens the hardware and audio and builds media, phone and the
// intercom's behaviour. On error it releases what it had opened and
// returns the error of the step that failed.
func build(ctx context.Context, cfg *config.Config, log *slog.Logger, op openers) (*parts, error) {
	p := &parts{cfg: cfg, log: log, op: op}
	if err := p.open(ctx); err != nil {
		if cerr := p.close(); cerr != nil {
			log.Warn("releasing what was opened before the failure", "err", cerr)
		}
		return nil, err
	}
	return p, nil
}

// open runs the steps of build in order; each error is wrapped with the
// step's name.
func (p *parts) open(ctx context.Context) error {
	cfg, log, op := p.cfg, p.log, p.op
	snd, err := op.sounds(cfg.Sounds)
	if err != nil {
		return fmt.Errorf("sounds: %w", err)
	}
	if p.brd, err = op.board(cfg, log); err != nil {
		return fmt.Errorf("board: %w", err)
	}
	p.closers = append(p.closers, p.brd.Close)
	if cfg.Door.RelayPin != "" {
		if p.relay, err = op.relay(p.brd); err != nil {
			return fmt.Errorf("door relay: %w", err)
		}
	}
	p.ic = newIntercom(cfg, log, p.brd, p.relay, snd)
	// Device faults reach the intercom (status LED) once it is complete.
	var health faultRelay
	if p.dev, err = op.audio(cfg, health.report, log); err != nil {
		return fmt.Errorf("audio: %w", err)
	}
	p.closers = append(p.closers, p.dev.Close)
	if p.eng, err = op.engine(mediaConfig(cfg, log), p.dev); err != nil {
		return fmt.Errorf("media: %w", err)
	}
	p.closers = append(p.closers, p.eng.Close)
	if p.ph, err = op.phone(ctx, phoneConfig(cfg, log), engineMedia{p.eng}); err != nil {
		return fmt.Errorf("phone: %w", err)
	}
	p.ic.player, p.ic.phone = p.eng, p.ph
	health.set(func(e error) { p.ic.setFault("audio", e) })
	return nil
}

func newIntercom(cfg *config.Config, log *slog.Logger, brd *board, relay *hw.Relay, snd *sounds) *intercom {
	clock := hw.SystemClock()
	ic := &intercom{cfg: cfg, log: log.With("component", "intercom"), sounds: snd,
		buttons: brd.Buttons.Events(), leds: brd.LEDs, clock: clock,
		door:   openDoorCode(cfg.Door, doorStateDir(cfg, log), clock.Now(), log.With("component", "door")),
		faults: map[string]string{}, inject: make(chan func())}
	if relay != nil {
		ic.relay = relay
	}
	return ic
}

// doorStateDir is where the door-code lockout is kept; "" (in memory only,
// with a warning) when there is no state folder.
func doorStateDir(cfg *config.Config, log *slog.Logger) string {
	if cfg.Door.Code == "" {
		return ""
	}
	dir, err := stateDir(cfg.State.Dir, os.Getenv)
	if err != nil {
		log.Warn("the door-code lockout is kept in memory only: a restart clears it", "err", err)
		return ""
	}
	return dir
}

// close releases the parts in reverse order of opening.
func (p *parts) close() error {
	var errs []error
	for i := len(p.closers) - 1; i >= 0; i-- {
		errs = append(errs, p.closers[i]())
	}
	return errors.Join(errs...)
}

// faultRelay passes device faults on to a handler that is set later; the
// device may report from its own goroutine at any time.
type faultRelay struct {
	mu sync.Mutex
	fn func(error)
}

func (f *faultRelay) set(fn func(error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fn = fn
}

func (f *faultRelay) report(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fn != nil {
		f.fn(err)
	}
}

// serve runs the phone, the intercom's loop and the control socket until
// ctx ends or the phone fails.
func (p *parts) serve(ctx context.Context, started time.Time) error {
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel: deferred calls run last first
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p.ic.root = ctx
	phoneErr := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		phoneErr <- p.ph.Run(ctx)
	}()
	select {
	case <-p.ph.Ready():
	case err := <-phoneErr:
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("sip: %s is in use by another program (another SIP phone?): stop it or set sip.listen: %w", p.cfg.SIP.Listen, err)
		}
		return fmt.Errorf("sip: %w", err)
	}
	p.log.Info("SIP listening", "addr", p.ph.Addr(), "transport", p.cfg.SIP.Transport)
	a := &app{cfg: p.cfg, log: p.log, started: started, ic: p.ic, phone: p.ph, brd: p.brd, relay: p.relay, eng: p.eng, dev: p.dev}
	ctl, err := p.op.control(socketPath(p.cfg), a.handlers(), p.log.With("component", "control"))
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	p.log.Info("ready", "control", ctl.path, "simulated_gpio", p.brd.sim != nil)
	p.notifySystemd()
	defer systemd.Stopping()
	// What starting left behind (the config's parsing, the prompts'
	// decoding) goes back to the system now: the runtime's first collection
	// would come at a 4 MB heap, which an idle intercom may never reach.
	// 0.25-0.5 MB of RSS on amd64, for one collection after READY=1.
	debug.FreeOSMemory()
	wg.Add(2)
	go func() { defer wg.Done(); p.ic.run(ctx) }()
	go func() { defer wg.Done(); ctl.serve(ctx) }()
	select {
	case <-ctx.Done():
		return nil
	case err := <-phoneErr:
		if err != nil {
			return fmt.Errorf("sip: %w", err)
		}
		return nil
	}
}

// notifySystemd says READY=1 (SIP listens, audio is open, the control socket
// serves) and hands the intercom its STATUS= and watchdog duties.
func (p *parts) notifySystemd() {
	ok, err := systemd.Notify("READY=1\nSTATUS=idle")
	if err != nil {
		p.log.Warn("sd_notify", "err", err)
	}
	if !ok {
		return
	}
	p.ic.notify = func(state string) {
		if _, err := systemd.Notify(state); err != nil {
			p.log.Debug("sd_notify", "err", err)
		}
	}
	if d, ok := systemd.WatchdogInterval(); ok {
		p.ic.watchdog = d
		p.log.Info("systemd watchdog on", "interval", d)
	}
}

// closeInto runs a Close at the end of runApp and keeps its error if there
// was none before.
func closeInto(err *error, what string, close func() error) {
	if cerr := close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("%s: close: %w", what, cerr)
	}
}

func mediaConfig(cfg *config.Config, log *slog.Logger) media.Config {
	m := cfg.Media
	return media.Config{
		PortMin: m.RTPPorts.First, PortMax: m.RTPPorts.Last,
		RTPTimeout: m.RTPTimeout.Duration,
		JitterMin:  m.JitterMin.Duration, JitterMax: m.JitterMax.Duration,
		VAD: media.VADConfig{Enabled: cfg.VAD.Enabled, ThresholdDB: cfg.VAD.ThresholdDB,
			MinLevelDB: cfg.VAD.MinLevelDB, Hangover: cfg.VAD.Hangover.Duration},
		HighPass: cfg.Audio.HighPass, AGC: cfg.Audio.AGC, NoiseGate: cfg.Audio.NoiseGate,
		CaptureGain:  math.Pow(10, cfg.Audio.CaptureGainDB/20),
		PlaybackGain: math.Pow(10, cfg.Audio.PlaybackGainDB/20),
		Logger:       log,
	}
}

func phoneConfig(cfg *config.Config, log *slog.Logger) phone.Config {
	return phone.Config{
		Listen: cfg.SIP.Listen, Transport: cfg.SIP.Transport, PublicAddr: cfg.SIP.PublicAddress,
		DeviceName: "skoip", UserAgent: "SKOIP/" + version,
		Codecs: cfg.Media.Codecs, PTime: cfg.Media.PTime.Duration, DTMF: cfg.Media.DTMF,
		CN:         cfg.VAD.Enabled, // silence is suppressed only with VAD: then send comfort noise
		AutoAnswer: cfg.Calls.AutoAnswer, AutoAnswerDelay: cfg.Calls.AutoAnswerDelay.Duration,
		RingTimeout: cfg.Calls.RingTimeout.Duration, MaxDuration: cfg.Calls.MaxDuration.Duration,
		Allow: cfg.Calls.Allow,
		Account: phone.Account{Registrar: cfg.SIP.Account.Registrar, Username: cfg.SIP.Account.Username,
			Password: cfg.SIP.Account.Password, Expires: cfg.SIP.Account.Expires.Duration},
		DirectAuth: phone.Credentials{User: cfg.Calls.AuthUser, Password: cfg.Calls.AuthPassword},
		Fallback:   cfg.Peer.Fallback,
		Logger:     log,
	}
}

// engineMedia adapts *media.Engine to phone.Media.
type engineMedia struct{ e *media.Engine }

func (m engineMedia) NewStream(local netip.Addr) (phone.Stream, error) {
	s, err := m.e.NewStream(local)
	if err != nil {
		return nil, err
	}
	return s, nil
}

var errNoCall = errors.New("no call in progress")
