package main

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/audio"
	"github.com/skoip/skoip/hw/gpio"
	"github.com/skoip/skoip/hw/sim"
	"github.com/skoip/skoip/media/room"
)

const doorRelay = "door"

// hwConfig translates the config file's wiring for hw.
func hwConfig(cfg *config.Config) hw.Config {
	var c hw.Config
	for _, b := range cfg.Buttons {
		c.Buttons = append(c.Buttons, hw.ButtonConfig{Name: b.Name, Pin: b.Pin, ActiveLow: b.IsActiveLow(),
			Debounce: b.Debounce.Duration, LongPress: b.LongPress.Duration})
	}
	for _, l := range cfg.LEDs {
		c.LEDs = append(c.LEDs, hw.LEDConfig{Name: l.Name, Pin: l.Pin, ActiveLow: l.ActiveLow})
	}
	if cfg.Door.RelayPin != "" {
		c.Relays = append(c.Relays, hw.RelayConfig{Name: doorRelay, Pin: cfg.Door.RelayPin, ActiveLow: cfg.Door.RelayActiveLow})
	}
	return c
}

// board is the opened GPIO: real, or simulated where the machine has no
// GPIO chip (a PC, CI). sim is nil on real hardware.
type board struct {
	*hw.Board
	sim   *sim.Board
	clock *hw.KernelClock // nil: the board runs on hw.SystemClock
}

// openBoard opens the GPIO (or its simulation) with its timers (LED
// patterns, button checks) on a kernel clock where there is one.
func openBoard(cfg *config.Config, log *slog.Logger) (*board, error) {
	brd := &board{}
	var clk hw.Clock = hw.SystemClock()
	if k, err := hw.NewKernelClock(); err == nil {
		brd.clock, clk = k, k
	} else {
		log.Debug("LED and button timers on Go timers", "err", err)
	}
	if err := brd.open(hwConfig(cfg), clk, log); err != nil {
		return nil, errors.Join(err, brd.closeClock())
	}
	return brd, nil
}

func (brd *board) open(hc hw.Config, clk hw.Clock, log *slog.Logger) error {
	lines, err := gpio.Open(log)
	if errors.Is(err, gpio.ErrNoChips) {
		log.Warn("no GPIO chip on this machine: using simulated buttons, LEDs and relay (press buttons with `skoip ctl press NAME`)")
		s, err := sim.Open(hc, clk, log)
		if err != nil {
			return fmt.Errorf("hw/sim: %w", err)
		}
		brd.Board, brd.sim = s.Board, s
		return nil
	}
	if err != nil {
		return fmt.Errorf("gpio: %w", err)
	}
	b, err := hw.NewBoard(hc, lines, clk, log)
	if err != nil {
		return fmt.Errorf("hw: %w", err)
	}
	brd.Board = b
	return nil
}

// Close releases the lines, then stops the clock their timers ran on.
func (brd *board) Close() error {
	return errors.Join(brd.Board.Close(), brd.closeClock())
}

func (brd *board) closeClock() error {
	if brd.clock == nil {
		return nil
	}
	return brd.clock.Close()
}

// openAudio opens the sound device; "alsa" falls back to "null" with a
// warning where there is no sound card.
func openAudio(cfg *config.Config, onHealth func(error), log *slog.Logger) (audio.Device, error) {
	ac := audio.Config{
		Backend:    cfg.Audio.Backend,
		Capture:    cfg.Audio.Capture,
		Playback:   cfg.Audio.Playback,
		SampleRate: cfg.Audio.SampleRate,
		Period:     cfg.Audio.Period.Duration,
		OnHealth:   onHealth,
	}
	switch ac.Backend {
	case config.BackendALSA, config.BackendALSAKernel:
		return audio.OpenOrFallback(ac, log)
	case config.BackendRoom:
		if ac.Playback == "default" { // the ALSA default's name, not a file to record to
			ac.Playback = ""
		}
		rc, err := roomConfig(&cfg.Audio.Room, ac.SampleRate)
		if err != nil {
			return nil, err
		}
		ac.Room = rc
	}
	return audio.Open(ac, log)
}

// roomConfig is the simulated door box of [audio.room], with its
// recordings read and resampled to the device's rate.
func roomConfig(r *config.Room, rate int) (*room.Config, error) {
	rc := &room.Config{Rate: rate, Delay: r.Delay.Duration, T60: r.T60.Duration,
		EchoGainDB: r.EchoGainDB, Clip: r.Clip, DriftPPM: r.DriftPPM,
		ChangeAt: r.ChangeAt.Duration, ChangeGainDB: r.ChangeGainDB,
		TalkerLoop: r.TalkerLoop, TalkerGainDB: r.TalkerGainDB, SNR: r.SNRDB, Seed: uint64(r.Seed)}
	var err error
	if r.Talker != "" {
		if rc.Talker, err = audio.LoadCapture(r.Talker, rate); err != nil {
			return nil, fmt.Errorf("audio.room.talker: %w", err)
		}
	}
	if !r.NoiseIsFile() {
		rc.Noise = r.Noise
	} else if rc.NoiseSamples, err = audio.LoadCapture(r.Noise, rate); err != nil {
		return nil, fmt.Errorf("audio.room.noise: %w", err)
	}
	return rc, nil
}
