package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/cmd/skoip/internal/intercom"
	"github.com/skoip/skoip/cmd/skoip/internal/intercom/intercomtest"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/hw/audio"
	"github.com/skoip/skoip/hw/hwtest"
	"github.com/skoip/skoip/hw/sim"
	"github.com/skoip/skoip/phone"
)

// guard bounds every wait of these tests: it only guards against a hang.
const guard = 5 * time.Second

// rig is an intercom on fakes (phone, player, buttons, clock) whose
// control commands are served on a socket, as `skoip run` serves them.
type rig struct {
	t       *testing.T
	cfg     *config.Config
	ph      *intercomtest.Phone
	pl      *intercomtest.Player
	buttons *hwtest.Buttons
	clock   *hwtest.Clock
	ic      *intercom.Intercom
	app     *app
	path    string // the control socket
	relay   *hwtest.Relay
	bus     *events.Bus
}

// newRig runs the rig until the test ends. With simulated, presses go
// through simulated GPIO lines as on a PC; else they run the button's
// action on the loop, as on real GPIO.
func newRig(t *testing.T, simulated bool) *rig {
	t.Helper()
	return newRigWith(t, simulated, nil)
}

// newRigWith is newRig with the rig's config changed by change (nil: as is).
func newRigWith(t *testing.T, simulated bool, change func(*config.Config)) *rig {
	t.Helper()
	cfg, err := config.Parse("t.toml", []byte(intercomtest.Config))
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(cfg)
	}
	snd, err := intercom.LoadSounds(cfg.Sounds, engineRate(cfg))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clk := hwtest.NewClock(time.Unix(1_000_000, 0))
	r := &rig{t: t, cfg: cfg, ph: intercomtest.NewPhone(), pl: intercomtest.NewPlayer(), buttons: hwtest.NewButtons(clk), clock: clk,
		relay: hwtest.NewRelay(10 * time.Second), bus: events.NewBus(nil)}
	sb, err := sim.Open(hwConfig(cfg), clk, log)
	if err != nil {
		t.Fatal(err)
	}
	r.ic = intercom.New(cfg, intercom.Deps{Log: log, Phone: r.ph, Player: r.pl, Buttons: r.buttons.Events(),
		LEDs: sb.Board.LEDs, Relay: r.relay, Sounds: snd, Clock: clk, Events: r.bus})
	r.app = &app{cfg: cfg, log: log, started: time.Now(), ic: r.ic, ph: r.ph, mic: &fakeMic{}, dev: fakeDevice{},
		brd: &board{Board: sb.Board}, bus: r.bus}
	if simulated {
		r.app.brd.sim = sb
	}
	r.app.health.set(func(err error) { r.ic.ReportFault("audio", err) })
	r.path = filepath.Join(t.TempDir(), "ctl.sock")
	s, err := control.Listen(r.path, r.app.handlers(), log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { defer func() { done <- struct{}{} }(); r.ic.Run(ctx) }()
	go func() { defer func() { done <- struct{}{} }(); s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		<-done
		if err := sb.Close(); err != nil {
			t.Error(err)
		}
	})
	return r
}

// waitFor waits until cond holds; the deadline only guards against a hang.
func (r *rig) waitFor(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(guard)
	for !cond() {
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func (r *rig) digits(s string) {
	for _, d := range s {
		r.ph.Emit(phone.Event{Kind: phone.EventDTMF, Digit: d})
	}
}

// fakeMic is the media engine's mute.
type fakeMic struct{ muted atomic.Bool }

func (m *fakeMic) SetMute(on bool) { m.muted.Store(on) }

// fakeDevice is a sound card that only reports its statistics.
type fakeDevice struct{ audio.Device }

func (fakeDevice) Stats() audio.Stats { return audio.Stats{} }
