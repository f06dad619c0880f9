package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
	"github.com/skoip/skoip/systemd"
)

// runApp builds the intercom from cfg (hardware, audio, media, phone), serves
// the control socket and runs until ctx ends; then it stops everything in
// reverse order. Cancelation is not an error.
func runApp(ctx context.Context, cfg *config.Config, log *slog.Logger) (err error) {
	started := time.Now()
	snd, err := loadSounds(cfg.Sounds)
	if err != nil {
		return err
	}
	brd, err := openBoard(cfg, log)
	if err != nil {
		return err
	}
	defer closeInto(&err, "hw", brd.Close)

	ic := &intercom{cfg: cfg, log: log.With("component", "intercom"), sounds: snd,
		buttons: brd.Buttons.Events(), leds: brd.LEDs, clock: hw.SystemClock(),
		door:   newDoorCode(cfg.Door.Code, cfg.Door.LockoutAttempts, cfg.Door.LockoutTime.Duration),
		faults: map[string]string{}, inject: make(chan func())}
	var relay *hw.Relay
	if cfg.Door.RelayPin != "" {
		if relay, err = brd.Relay(doorRelay); err != nil {
			return err
		}
		ic.relay = relay
	}
	var healthMu sync.Mutex
	var onHealth func(error)
	dev, err := openAudio(cfg, func(e error) {
		healthMu.Lock()
		defer healthMu.Unlock()
		if onHealth != nil {
			onHealth(e)
		}
	}, log)
	if err != nil {
		return fmt.Errorf("audio: %w", err)
	}
	defer closeInto(&err, "audio", dev.Close)
	eng, err := media.NewEngine(mediaConfig(cfg, log), dev)
	if err != nil {
		return err
	}
	defer closeInto(&err, "media", eng.Close)
	ic.player = eng

	ph, err := phone.New(phoneConfig(cfg, log), engineMedia{eng})
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	ic.phone = ph
	healthMu.Lock()
	onHealth = func(e error) { ic.setFault("audio", e) }
	healthMu.Unlock()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ic.root = ctx
	var wg sync.WaitGroup
	phoneErr := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		phoneErr <- ph.Run(ctx)
	}()
	select {
	case <-ph.Ready():
	case err := <-phoneErr:
		wg.Wait()
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("sip: %s is in use by another program (another SIP phone?): stop it or set sip.listen: %w", cfg.SIP.Listen, err)
		}
		return fmt.Errorf("sip: %w", err)
	}
	log.Info("SIP listening", "addr", ph.Addr(), "transport", cfg.SIP.Transport)

	a := &app{cfg: cfg, log: log, started: started, ic: ic, phone: ph, brd: brd, relay: relay, eng: eng, dev: dev}
	ctl, err := listenControl(socketPath(cfg), a.handlers(), log.With("component", "control"))
	if err != nil {
		cancel()
		wg.Wait()
		return err
	}
	log.Info("ready", "control", ctl.path, "simulated_gpio", brd.sim != nil)
	if ok, err := systemd.Notify("READY=1\nSTATUS=idle"); err != nil {
		log.Warn("sd_notify", "err", err)
	} else if ok {
		ic.notify = func(state string) {
			if _, err := systemd.Notify(state); err != nil {
				log.Debug("sd_notify", "err", err)
			}
		}
		if d, ok := systemd.WatchdogInterval(); ok {
			ic.watchdog = d
			log.Info("systemd watchdog on", "interval", d)
		}
	}
	defer systemd.Stopping()
	wg.Add(2)
	go func() { defer wg.Done(); ic.run(ctx) }()
	go func() { defer wg.Done(); ctl.serve(ctx) }()

	select {
	case <-ctx.Done():
		err = nil
	case err = <-phoneErr:
		if err != nil {
			err = fmt.Errorf("sip: %w", err)
		}
	}
	cancel()
	wg.Wait()
	return err
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
