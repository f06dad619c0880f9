package intercom

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/intercom/intercomtest"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/hwtest"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

type rig struct {
	t       *testing.T
	cfg     *config.Config
	ph      *intercomtest.Phone
	pl      *intercomtest.Player
	buttons *hwtest.Buttons
	leds    *hwtest.LEDs
	relay   *hwtest.Relay
	clock   *hwtest.Clock
	ic      *Intercom
}

func newRig(t *testing.T, extra string) *rig {
	t.Helper()
	return newRigWith(t, extra, nil)
}

// newRigWith is newRig with deps changed by more (when not nil) before the
// intercom is built.
func newRigWith(t *testing.T, extra string, more func(*rig, *Deps)) *rig {
	t.Helper()
	cfg, err := config.Parse("t.toml", []byte(intercomtest.Config+extra))
	if err != nil {
		t.Fatal(err)
	}
	snd, err := LoadSounds(cfg.Sounds, PromptRate)
	if err != nil {
		t.Fatal(err)
	}
	clk := hwtest.NewClock(time.Unix(1_000_000, 0))
	r := &rig{t: t, cfg: cfg, ph: intercomtest.NewPhone(), pl: intercomtest.NewPlayer(),
		buttons: hwtest.NewButtons(clk), leds: hwtest.NewLEDs("status", "call", "door"), relay: hwtest.NewRelay(10 * time.Second), clock: clk}
	d := Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Phone: r.ph, Player: r.pl,
		Buttons: r.buttons.Events(), LEDs: r.leds, Relay: r.relay, Sounds: snd, Clock: clk}
	if more != nil {
		more(r, &d)
	}
	r.ic = New(cfg, d)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.ic.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	r.waitLED("status", hw.Heartbeat)
	return r
}

const guard = 5 * time.Second

// expectPlay waits for the next Play and checks it.
func (r *rig) expectPlay(prompt string, to media.Target) {
	r.t.Helper()
	select {
	case p := <-r.pl.Plays:
		if p.Prompt != prompt || p.To != to {
			r.t.Fatalf("played %q to %v, want %q to %v", p.Prompt, p.To, prompt, to)
		}
	case <-time.After(guard):
		r.t.Fatalf("%q was never played", prompt)
	}
}

// expectPlayBoth waits for prompt to be played to both sides (in any order).
func (r *rig) expectPlayBoth(prompt string) {
	r.t.Helper()
	got := map[media.Target]string{}
	for i := 0; i < 2; i++ {
		select {
		case p := <-r.pl.Plays:
			got[p.To] = p.Prompt
		case <-time.After(guard):
			r.t.Fatalf("%q was not played to both sides: %v", prompt, got)
		}
	}
	if got[media.ToRemote] != prompt || got[media.ToLocal] != prompt {
		r.t.Fatalf("want %q to remote and local, got %v", prompt, got)
	}
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

func (r *rig) waitLED(name string, p hw.Pattern) {
	r.t.Helper()
	r.waitFor("LED "+name+" "+p.String(), func() bool { s, _ := r.leds.State(name); return s == p })
}

func (r *rig) connect() {
	r.t.Helper()
	r.buttons.Press("call")
	r.expectPlay("doorbell (built-in)", media.ToLocal)
	r.ph.Outcome <- nil
	r.waitLED("call", hw.On)
}

// barrier returns once the intercom has handled every event sent before it:
// events are handled in order, and a state change shows on the call LED.
func (r *rig) barrier() {
	r.t.Helper()
	r.ph.Emit(phone.Event{Kind: phone.EventState, State: phone.StateIdle})
	r.waitLED("call", hw.Off)
	r.ph.Emit(phone.Event{Kind: phone.EventState, State: phone.StateConnected})
	r.waitLED("call", hw.On)
}

func (r *rig) digits(s string) {
	for _, d := range s {
		r.ph.Emit(phone.Event{Kind: phone.EventDTMF, Digit: d})
	}
}

func TestBehaviourCallAnswered(t *testing.T) {
	r := newRig(t, "")
	r.buttons.Press("call")
	r.expectPlay("doorbell (built-in)", media.ToLocal) // the visitor hears it while it rings
	r.waitLED("call", hw.FastBlink)
	if r.ph.Dials()[0] != "10.0.0.2" {
		t.Fatalf("dialled %v, want peer.address", r.ph.Dials())
	}
	r.ph.Outcome <- nil
	r.waitLED("call", hw.On)
	r.waitLED("status", hw.Heartbeat)
}

func TestBehaviourCallFails(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		prompt string
	}{
		{"no answer", phone.ErrTimeout, "no answer (built-in)"},
		{"busy", &phone.CallError{Code: 486, Err: phone.ErrBusy}, "busy (built-in)"},
		{"decline", &phone.CallError{Code: 603, Err: phone.ErrDeclined}, "busy (built-in)"},
		{"unavailable", &phone.CallError{Code: 480, Err: phone.ErrUnavailable}, "no answer (built-in)"},
		{"unreachable", phone.ErrUnreachable, "busy (built-in)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, "")
			r.buttons.Press("call")
			r.expectPlay("doorbell (built-in)", media.ToLocal)
			r.ph.Outcome <- tc.err
			r.expectPlay(tc.prompt, media.ToLocal)
			r.waitLED("call", hw.Off)
		})
	}
}

func TestBehaviourIncomingAnswered(t *testing.T) {
	r := newRig(t, "")
	r.ph.Set(phone.StateIncoming)
	r.ph.Emit(phone.Event{Kind: phone.EventIncoming, Peer: "sip:door@10.0.0.1"})
	r.expectPlay("ringtone (built-in)", media.ToLocal)
	r.waitLED("call", hw.FastBlink)
	r.buttons.Press("answer")
	r.waitLED("call", hw.On)
	if r.ph.Answers() != 1 {
		t.Fatalf("answers = %d", r.ph.Answers())
	}
}

func TestBehaviourToggleFollowsState(t *testing.T) {
	r := newRig(t, "")
	r.buttons.Press("toggle") // idle: call
	r.expectPlay("doorbell (built-in)", media.ToLocal)
	r.ph.Outcome <- nil
	r.waitLED("call", hw.On)
	r.buttons.Press("toggle") // connected: hang up
	r.waitLED("call", hw.Off)
	r.ph.Set(phone.StateIncoming)
	r.waitLED("call", hw.FastBlink)
	r.buttons.Press("toggle") // incoming: answer
	r.waitLED("call", hw.On)
	if r.ph.Hangups() != 1 || r.ph.Answers() != 1 || len(r.ph.Dials()) != 1 {
		t.Fatalf("hangups %d answers %d dials %d", r.ph.Hangups(), r.ph.Answers(), len(r.ph.Dials()))
	}
}

func TestBehaviourMaxDurationWarns(t *testing.T) {
	r := newRig(t, "")
	r.connect()
	r.clock.Advance(2*time.Minute - warnBefore - time.Second)
	select {
	case p := <-r.pl.Plays:
		t.Fatalf("warning too early: %v", p)
	default:
	}
	r.clock.Advance(time.Second)
	r.expectPlayBoth("warning (built-in)")
}

func TestBehaviourDoorCode(t *testing.T) {
	r := newRig(t, "")
	r.connect()
	r.digits("0000") // wrong
	r.digits("1234") // right
	r.waitFor("a relay pulse", func() bool { return len(r.relay.Pulses()) == 1 })
	if p := r.relay.Pulses()[0]; p != 2*time.Second {
		t.Fatalf("pulse %v, want door.pulse 2s", p)
	}
	r.waitLED("door", hw.On)
	r.clock.Advance(2 * time.Second)
	r.waitLED("door", hw.Off)
	r.expectPlayBoth("door open (built-in)")
	if r.ph.Hangups() != 0 {
		t.Fatal("hung up although hangup_after_open is 0s")
	}
}

func TestBehaviourDoorLockout(t *testing.T) {
	r := newRig(t, "")
	r.connect()
	r.digits("00000000000000000000") // five wrong codes: locked out for 5 minutes
	r.digits("1234")
	r.barrier()
	r.clock.Advance(4 * time.Minute)
	r.digits("1234")
	r.barrier()
	if n := len(r.relay.Pulses()); n != 0 {
		t.Fatalf("door opened %d times during the lockout", n)
	}
	r.clock.Advance(time.Minute)
	r.digits("1234")
	r.waitFor("the door to open after the lockout", func() bool { return len(r.relay.Pulses()) == 1 })
}

func TestBehaviourHangupAfterOpen(t *testing.T) {
	r := newRig(t, "")
	r.cfg.Door.HangupAfterOpen.Duration = 3 * time.Second
	r.connect()
	r.digits("1234")
	r.waitFor("a relay pulse", func() bool { return len(r.relay.Pulses()) == 1 })
	r.waitFor("the hang-up timer", func() bool { return r.clock.Pending() > 0 })
	r.clock.Advance(3 * time.Second)
	select {
	case <-r.ph.HungUp:
	case <-time.After(guard):
		t.Fatal("no hang-up after opening")
	}
}

func TestBehaviourOpenButtonSendsCode(t *testing.T) {
	r := newRig(t, "")
	r.connect()
	r.buttons.Press("open")
	r.waitFor("DTMF sent", func() bool { return len(r.ph.DTMF()) == 1 })
	if r.ph.DTMF()[0] != "1234" {
		t.Fatalf("sent %q", r.ph.DTMF())
	}
}

func TestBehaviourFaultShowsOnStatusLED(t *testing.T) {
	r := newRig(t, "")
	r.ic.ReportFault("audio", errors.New("device stopped"))
	r.waitLED("status", hw.Error)
	r.ic.ReportFault("audio", nil)
	r.waitLED("status", hw.Heartbeat)
}
