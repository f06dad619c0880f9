package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
	"github.com/skoip/skoip/cmd/skoip/internal/intercom"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/audio"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// startConfig is a config that starts on any Linux PC: loopback SIP on a
// free port, the null audio backend, the default wiring (simulated where
// there is no GPIO chip) with its door relay, and the control socket and
// state in temporary folders.
func startConfig(t *testing.T) *config.Config {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Parse(filepath.Join(dir, "skoip.toml"), []byte(fmt.Sprintf(`
[sip]
listen = "127.0.0.1:0"
[audio]
backend = "null"
[control]
socket = %q
[state]
dir = %q
`, filepath.Join(dir, "ctl.sock"), filepath.Join(dir, "state"))))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Door.RelayPin == "" {
		t.Fatal("the default wiring has no door relay: the relay step would not run")
	}
	return cfg
}

// opened records what the real openers opened, to check that a failed
// start released it.
type opened struct {
	brd   *board
	relay *hw.Relay
	dev   *trackedDevice
}

// trackedDevice counts Stop (the engine's Close) and Close.
type trackedDevice struct {
	audio.Device
	stops, closes atomic.Int32
}

func (d *trackedDevice) Stop() error  { d.stops.Add(1); return d.Device.Stop() }
func (d *trackedDevice) Close() error { d.closes.Add(1); return d.Device.Close() }

// trackingOpeners are the real openers, recording what they open in o.
func trackingOpeners(o *opened) openers {
	op := realOpeners()
	openB, relay, open := op.board, op.relay, op.audio
	op.board = func(cfg *config.Config, log *slog.Logger) (*board, error) {
		b, err := openB(cfg, log)
		o.brd = b
		return b, err
	}
	op.relay = func(b *board) (*hw.Relay, error) {
		r, err := relay(b)
		o.relay = r
		return r, err
	}
	op.audio = func(cfg *config.Config, onHealth func(error), log *slog.Logger) (audio.Device, error) {
		d, err := open(cfg, onHealth, log)
		if err != nil {
			return nil, err
		}
		o.dev = &trackedDevice{Device: d}
		return o.dev, nil
	}
	return op
}

var errInjected = errors.New("injected failure")

// TestStartFailsCleanlyAtEachStep makes each step of a start fail in turn:
// the start must return (no panic) an error that names the step, having
// released everything opened before it, with no goroutine left behind.
func TestStartFailsCleanlyAtEachStep(t *testing.T) {
	for _, tc := range []struct {
		step   string
		prefix string // what the error starts with
		breaks func(op *openers)
	}{
		{"sounds", "sounds: ", func(op *openers) {
			op.sounds = func(config.Sounds, int) (*intercom.Sounds, error) { return nil, errInjected }
		}},
		{"board", "board: ", func(op *openers) {
			op.board = func(*config.Config, *slog.Logger) (*board, error) { return nil, errInjected }
		}},
		{"relay", "door relay: ", func(op *openers) {
			op.relay = func(*board) (*hw.Relay, error) { return nil, errInjected }
		}},
		{"audio", "audio: ", func(op *openers) {
			op.audio = func(*config.Config, func(error), *slog.Logger) (audio.Device, error) { return nil, errInjected }
		}},
		{"engine", "media: ", func(op *openers) {
			op.engine = func(media.Config, media.AudioDevice) (*media.Engine, error) { return nil, errInjected }
		}},
		{"phone", "phone: ", func(op *openers) {
			op.phone = func(context.Context, phone.Config, phone.Media) (*phone.Phone, error) { return nil, errInjected }
		}},
		{"control socket", "control socket: ", func(op *openers) {
			op.control = func(string, map[string]control.Handler, *slog.Logger) (*control.Server, error) {
				return nil, errInjected
			}
		}},
	} {
		t.Run(tc.step, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			var o opened
			op := trackingOpeners(&o)
			tc.breaks(&op)
			err := startOnce(t, startConfig(t), op)
			if !errors.Is(err, errInjected) || !strings.HasPrefix(err.Error(), tc.prefix) {
				t.Fatalf("error %q: want %q... wrapping the injected failure", err, tc.prefix)
			}
			o.checkReleased(t)
		})
	}
}

// TestStartFailsWhenSIPPortIsTaken is the serve step's real failure: the
// SIP port is held by another program.
func TestStartFailsWhenSIPPortIsTaken(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	taken, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg := startConfig(t)
	cfg.SIP.Listen = taken.LocalAddr().String()
	var o opened
	err = startOnce(t, cfg, trackingOpeners(&o))
	want := "sip: " + cfg.SIP.Listen + " is in use by another program"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %v, want %q...", err, want)
	}
	o.checkReleased(t)
	if _, err := os.Stat(cfg.Control.Socket); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("control socket exists after a failed start: %v", err)
	}
}

// TestRunPrintsOneLineOnStartFailure is what systemd's journal gets: exit 1
// and one line that says why.
func TestRunPrintsOneLineOnStartFailure(t *testing.T) {
	taken, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	path, _ := testConfig(t, "")
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body = []byte(strings.Replace(string(body), `listen = "127.0.0.1:0"`, fmt.Sprintf("listen = %q", taken.LocalAddr()), 1))
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, context.Background(), "run", "--config", path)
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	last := lines[len(lines)-1]
	want := "skoip run: sip: " + taken.LocalAddr().String() + " is in use by another program"
	if code != exitFailure || !strings.HasPrefix(last, want) {
		t.Fatalf("exit %d, last line %q, want exit 1 and %q...\n%s", code, last, want, errs)
	}
	if n := strings.Count(errs, "address already in use"); n != 1 {
		t.Errorf("the cause is printed %d times, want once:\n%s", n, errs)
	}
}

// startOnce runs a start that is expected to fail, turning a panic into a
// test failure and bounding how long it may take.
func startOnce(t *testing.T, cfg *config.Config, op openers) (err error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("panic: %v", r)
			}
		}()
		done <- runWith(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), op)
	}()
	select {
	case err = <-done:
	case <-time.After(guard):
		t.Fatal("a failing start did not return")
	}
	if err == nil {
		t.Fatal("the start did not fail")
	}
	if strings.HasPrefix(err.Error(), "panic: ") {
		t.Fatal(err)
	}
	return err
}

// checkReleased checks that what was opened is closed.
func (o *opened) checkReleased(t *testing.T) {
	t.Helper()
	if o.brd != nil {
		if err := o.brd.LEDs.Set("status", hw.Off); !errors.Is(err, hw.ErrClosed) {
			t.Errorf("board left open: LED Set = %v, want hw.ErrClosed", err)
		}
	}
	if o.relay != nil {
		if err := o.relay.Pulse(time.Millisecond); !errors.Is(err, hw.ErrClosed) {
			t.Errorf("relay left open: Pulse = %v, want hw.ErrClosed", err)
		}
	}
	if o.dev != nil && o.dev.closes.Load() != 1 {
		t.Errorf("audio device closed %d times, want 1", o.dev.closes.Load())
	}
}
