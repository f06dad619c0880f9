package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/cmd/skoip/internal/history"
	"github.com/skoip/skoip/cmd/skoip/internal/intercom"
	"github.com/skoip/skoip/cmd/skoip/internal/mqttbridge"
	"github.com/skoip/skoip/cmd/skoip/internal/voicemail"
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
// configFault (nil: none) is shown as the fault "config": the file was bad
// and cfg is the last good one.
func runApp(ctx context.Context, cfg *config.Config, log *slog.Logger, configFault error) error {
	op := realOpeners()
	op.configFault = configFault
	return runWith(ctx, cfg, log, op)
}

// runWith is runApp with the openers of its steps. An error names the step
// that failed ("audio: ...", "sip: ..."): it is the one line a failed start
// leaves in the journal.
func runWith(ctx context.Context, cfg *config.Config, log *slog.Logger, op openers) (err error) {
	started := time.Now()
	a, err := build(ctx, cfg, log, op)
	if err != nil {
		return err
	}
	a.started = started
	defer closeInto(&err, "close", a.close)
	return a.serve(ctx)
}

// openers are the steps of a start that open something. realOpeners are
// the real ones; a test replaces one to make its step fail.
type openers struct {
	sounds  func(s config.Sounds, rate int) (*intercom.Sounds, error)
	board   func(*config.Config, *slog.Logger) (*board, error)
	relay   func(*board) (*hw.Relay, error)
	audio   func(cfg *config.Config, onHealth func(error), log *slog.Logger) (audio.Device, error)
	engine  func(media.Config, media.AudioDevice) (*media.Engine, error)
	phone   func(context.Context, phone.Config, phone.Media) (*phone.Phone, error)
	control func(path string, h map[string]control.Handler, log *slog.Logger) (*control.Server, error)
	// configFault: the configuration file was bad and the last good one runs.
	configFault error
}

func realOpeners() openers {
	return openers{
		sounds:  intercom.LoadSounds,
		board:   openBoard,
		relay:   func(b *board) (*hw.Relay, error) { return b.Relay(doorRelay) },
		audio:   openAudio,
		engine:  media.NewEngine,
		phone:   phone.New,
		control: control.Listen,
	}
}

// app is the running intercom: its pieces, which the control socket's
// commands act on too; closers release them in reverse order of opening.
type app struct {
	cfg         *config.Config
	log         *slog.Logger
	op          openers
	started     time.Time
	brd         *board
	relay       *hw.Relay // nil without a relay
	dev         audio.Device
	mic         muter // the media engine
	muted       atomic.Bool
	selftesting atomic.Bool        // a self-test runs (one at a time: each plays the sweep)
	bus         *events.Bus        // the event stream: intercom, ctl events, MQTT
	mqtt        *mqttbridge.Bridge // nil without mqtt.broker
	ph          sipPhone           // *phone.Phone
	ic          *intercom.Intercom
	vm          *voicemail.Store // nil without voice messages
	hist        *history.History // nil without a state folder
	eng         *media.Engine
	stateDir    string
	fingerprint string     // this unit's TLS certificate's, \"\" without TLS
	health      faultRelay // the audio device's faults, to ic's loop
	closers     []func() error
}

// muter closes and opens the microphone (*media.Engine).
type muter interface{ SetMute(bool) }

// sipPhone is what app needs of *phone.Phone: the intercom's call control,
// and running it and telling its address and registration.
type sipPhone interface {
	intercom.CallControl
	Run(ctx context.Context) error
	Ready() <-chan struct{}
	Addr() netip.AddrPort
	Registered() *bool
	Registration() phone.Registration
	Ping(ctx context.Context, target string) (time.Duration, int, error)
}

// build opens the hardware and audio and builds media, phone and the
// intercom's behaviour. On error it releases what it had opened and
// returns the error of the step that failed.
func build(ctx context.Context, cfg *config.Config, log *slog.Logger, op openers) (*app, error) {
	a := &app{cfg: cfg, log: log, op: op}
	if err := a.open(ctx); err != nil {
		if cerr := a.close(); cerr != nil {
			log.Warn("releasing what was opened before the failure", "err", cerr)
		}
		return nil, err
	}
	return a, nil
}

// open runs the steps of build in order; each error is wrapped with the
// step's name.
func (a *app) open(ctx context.Context) error {
	cfg, log, op := a.cfg, a.log, a.op
	snd, err := op.sounds(cfg.Sounds, engineRate(cfg))
	if err != nil {
		return fmt.Errorf("sounds: %w", err)
	}
	if a.brd, err = op.board(cfg, log); err != nil {
		return fmt.Errorf("board: %w", err)
	}
	a.closers = append(a.closers, a.brd.Close)
	if cfg.Door.RelayPin != "" {
		if a.relay, err = op.relay(a.brd); err != nil {
			return fmt.Errorf("door relay: %w", err)
		}
	}
	dir := stateDir(cfg, log)
	door := intercom.OpenDoorCode(cfg.Door, dir, time.Now(), log.With("component", "door"))
	dnd := intercom.OpenDND(dir, log.With("component", "dnd"))
	a.bus = events.NewBus(nil)
	// Device faults reach the intercom (status LED) once it is built.
	if a.dev, err = op.audio(cfg, a.health.report, log); err != nil {
		return fmt.Errorf("audio: %w", err)
	}
	a.closers = append(a.closers, a.dev.Close)
	eng, err := op.engine(mediaConfig(cfg, log), a.dev)
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	a.closers = append(a.closers, eng.Close)
	pc := phoneConfig(cfg, log)
	if cfg.TLS() {
		if pc.TLS, err = tlsConfig(cfg, dir); err != nil {
			return fmt.Errorf("tls: %w", err)
		}
		a.fingerprint = phone.Fingerprint(pc.TLS.Certificate.Certificate[0])
		log.Info("TLS identity", "fingerprint", a.fingerprint)
	}
	ph, err := op.phone(ctx, pc, engineMedia{eng})
	if err != nil {
		return fmt.Errorf("phone: %w", err)
	}
	a.mic, a.ph, a.eng, a.stateDir = eng, ph, eng, dir
	if d, err := intercom.LoadEchoDelay(dir); err != nil {
		log.Warn("the echo canceller's kept delay is ignored", "err", err)
	} else if d > 0 {
		eng.HintEchoDelay(d)
		log.Info("echo canceller: the last self-test's round trip is its initial delay", "delay", d)
	}
	d := intercom.Deps{Log: log.With("component", "intercom"), Phone: ph, Player: eng,
		Buttons: a.brd.Buttons.Events(), LEDs: a.brd.LEDs, Sounds: snd, Clock: hw.SystemClock(), Door: door,
		Events: a.bus, DND: dnd}
	if a.relay != nil {
		d.Relay = a.relay
	}
	vm, vmErr := openVoicemail(cfg, dir)
	if vm != nil {
		a.vm, d.Voicemail = vm, messageRecorder{store: vm, eng: eng}
	}
	a.ic = intercom.New(cfg, d)
	if vmErr != nil {
		a.ic.ReportFault("voicemail", vmErr)
	}
	if op.configFault != nil {
		a.ic.ReportFault("config", op.configFault)
	}
	if err := updateFailure(dir); err != nil {
		a.ic.ReportFault("update", err)
	}
	if a.hist, err = openHistory(dir, cfg.History.MaxCalls); err != nil {
		log.Warn("call history", "err", err)
	}
	a.health.set(func(e error) { a.ic.ReportFault("audio", e) })
	if a.mqtt, err = a.openMQTT(); err != nil {
		return fmt.Errorf("mqtt: %w", err)
	}
	return nil
}

// stateDir is where the door-code lockout and do-not-disturb are kept; ""
// (in memory only, with a warning) when there is no state folder.
func stateDir(cfg *config.Config, log *slog.Logger) string {
	dir, err := intercom.StateDir(cfg.State.Dir, os.Getenv)
	if err != nil {
		log.Warn("the door-code lockout and do-not-disturb are kept in memory only: a restart clears them", "err", err)
		return ""
	}
	return dir
}

// close releases the parts in reverse order of opening.
func (a *app) close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	return errors.Join(errs...)
}

// faultRelay passes device faults on to a handler that is set once the
// intercom is built (after the device: the intercom plays through it); the
// device may report from its own goroutine at any time. What is reported
// before the handler is set is kept (the latest report) and passed on when
// it is set.
type faultRelay struct {
	mu      sync.Mutex
	fn      func(error)
	pending error
	waiting bool // pending holds a report
}

func (f *faultRelay) set(fn func(error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fn = fn
	if f.waiting {
		f.waiting = false
		fn(f.pending)
	}
}

func (f *faultRelay) report(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fn == nil {
		f.pending, f.waiting = err, true
		return
	}
	f.fn(err)
}

// serve runs the phone, the intercom's loop and the control socket until
// ctx ends or the phone fails.
func (a *app) serve(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel: deferred calls run last first
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	phoneErr := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		phoneErr <- a.ph.Run(ctx)
	}()
	select {
	case <-a.ph.Ready():
	case err := <-phoneErr:
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("sip: %s is in use by another program (another SIP phone?): stop it or set sip.listen: %w", a.cfg.SIP.Listen, err)
		}
		return fmt.Errorf("sip: %w", err)
	}
	a.log.Info("SIP listening", "addr", a.ph.Addr(), "transport", a.cfg.SIP.Transport)
	ctl, err := a.op.control(control.ServerPath(a.cfg), a.handlers(), a.log.With("component", "control"))
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	a.log.Info("ready", "control", ctl.Path(), "simulated_gpio", a.brd.sim != nil)
	a.notifySystemd()
	defer systemd.Stopping()
	// What starting left behind (the config's parsing, the prompts'
	// decoding) goes back to the system now: the runtime's first collection
	// would come at a 4 MB heap, which an idle intercom may never reach.
	// 0.25-0.5 MB of RSS on amd64, for one collection after READY=1.
	debug.FreeOSMemory()
	wg.Add(2)
	go func() { defer wg.Done(); a.ic.Run(ctx) }()
	go func() { defer wg.Done(); ctl.Serve(ctx) }()
	if a.hist != nil {
		wg.Add(1)
		go func() { defer wg.Done(); a.recordCalls(ctx) }()
	}
	if a.cfg.Selftest.AtBoot {
		wg.Add(1)
		go func() { defer wg.Done(); a.selftestAtBoot(ctx) }()
	}
	if a.mqtt != nil {
		// The broker may be down: the bridge retries on its own and
		// nothing else waits for it.
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.mqtt.Run(ctx); err != nil {
				a.log.Error("mqtt", "err", err)
			}
		}()
	}
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
func (a *app) notifySystemd() {
	ok, err := systemd.Notify("READY=1\nSTATUS=idle")
	if err != nil {
		a.log.Warn("sd_notify", "err", err)
	}
	if !ok {
		return
	}
	a.ic.SetNotify(func(state string) {
		if _, err := systemd.Notify(state); err != nil {
			a.log.Debug("sd_notify", "err", err)
		}
	})
	if d, ok := systemd.WatchdogInterval(); ok {
		a.ic.SetWatchdog(d)
		a.log.Info("systemd watchdog on", "interval", d)
	}
}

// closeInto runs a Close at the end of runApp and keeps its error if there
// was none before.
func closeInto(err *error, what string, close func() error) {
	if cerr := close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("%s: close: %w", what, cerr)
	}
}
