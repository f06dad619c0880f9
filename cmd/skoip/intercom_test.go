package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/hwtest"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// fakePhone is a phone whose calls the test decides.
type fakePhone struct {
	mu       sync.Mutex
	state    phone.State
	dials    []string
	outcome  chan error // what the pending Dial returns
	answers  int
	hangups  int
	dtmf     []string
	subs     []chan phone.Event
	hungUpCh chan struct{}
}

func newFakePhone() *fakePhone {
	return &fakePhone{state: phone.StateIdle, outcome: make(chan error, 1), hungUpCh: make(chan struct{}, 8)}
}

// set changes the state and tells the subscribers; as *phone.Phone does,
// it drops the event for a subscriber that is not reading.
func (f *fakePhone) set(s phone.State) {
	f.mu.Lock()
	f.state = s
	subs := f.subs
	f.mu.Unlock()
	for _, c := range subs {
		select {
		case c <- phone.Event{Kind: phone.EventState, State: s}:
		default:
		}
	}
}

func (f *fakePhone) emit(ev phone.Event) {
	f.mu.Lock()
	subs := f.subs
	f.mu.Unlock()
	for _, c := range subs {
		c <- ev
	}
}

func (f *fakePhone) Dial(ctx context.Context, target string) error {
	f.mu.Lock()
	f.dials = append(f.dials, target)
	f.mu.Unlock()
	f.set(phone.StateOutgoing)
	var err error
	select {
	case err = <-f.outcome:
	case <-ctx.Done():
		err = phone.ErrCancelled
	}
	if err == nil {
		f.set(phone.StateConnected)
	} else {
		f.set(phone.StateIdle)
	}
	return err
}

func (f *fakePhone) Answer(context.Context) error {
	f.mu.Lock()
	st := f.state
	f.answers++
	f.mu.Unlock()
	if st != phone.StateIncoming {
		return phone.ErrNoCall
	}
	f.set(phone.StateConnected)
	return nil
}

func (f *fakePhone) Hangup(context.Context) error {
	f.mu.Lock()
	f.hangups++
	f.mu.Unlock()
	f.set(phone.StateIdle)
	f.hungUpCh <- struct{}{}
	return nil
}

func (f *fakePhone) SendDTMF(_ context.Context, d string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dtmf = append(f.dtmf, d)
	return nil
}

func (f *fakePhone) Status() phone.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return phone.Status{State: f.state}
}

func (f *fakePhone) Subscribe() (<-chan phone.Event, func()) {
	c := make(chan phone.Event, 64)
	f.mu.Lock()
	f.subs = append(f.subs, c)
	f.mu.Unlock()
	return c, func() {}
}

// The rest of sipPhone, for the control commands (status).
func (f *fakePhone) Run(ctx context.Context) error { <-ctx.Done(); return nil }
func (f *fakePhone) Ready() <-chan struct{}        { return nil }
func (f *fakePhone) Addr() netip.AddrPort          { return netip.MustParseAddrPort("127.0.0.1:5060") }
func (f *fakePhone) Registered() *bool             { return nil }

// played is one Play call.
type played struct {
	prompt string
	to     media.Target
}

// fakePlayer reports every Play and holds it until its ctx ends, like a
// prompt that is still playing.
type fakePlayer struct{ plays chan played }

func (p *fakePlayer) Play(ctx context.Context, pr *media.Prompt, to media.Target) error {
	p.plays <- played{pr.Name(), to}
	<-ctx.Done()
	return ctx.Err()
}

type rig struct {
	t       *testing.T
	cfg     *config.Config
	ph      *fakePhone
	pl      *fakePlayer
	buttons *hwtest.Buttons
	leds    *hwtest.LEDs
	relay   *hwtest.Relay
	clock   *hwtest.Clock
	ic      *intercom
}

func newRig(t *testing.T, extra string) *rig {
	t.Helper()
	cfg, err := config.Parse("t.toml", []byte(`
[peer]
address = "10.0.0.2"
[door]
code = "1234"
pulse = "2s"
[calls]
max_duration = "2m"
[[leds]]
name = "status"
pin = "GPIO22"
show = "status"
[[leds]]
name = "call"
pin = "GPIO23"
show = "call"
[[leds]]
name = "door"
pin = "GPIO20"
show = "door"
[[buttons]]
name = "call"
pin = "GPIO5"
action = "call"
[[buttons]]
name = "answer"
pin = "GPIO6"
action = "answer"
[[buttons]]
name = "open"
pin = "GPIO13"
action = "open"
[[buttons]]
name = "toggle"
pin = "GPIO19"
action = "toggle"
`+extra))
	if err != nil {
		t.Fatal(err)
	}
	snd, err := loadSounds(cfg.Sounds)
	if err != nil {
		t.Fatal(err)
	}
	clk := hwtest.NewClock(time.Unix(1_000_000, 0))
	r := &rig{t: t, cfg: cfg, ph: newFakePhone(), pl: &fakePlayer{plays: make(chan played, 64)},
		buttons: hwtest.NewButtons(clk), leds: hwtest.NewLEDs("status", "call", "door"), relay: hwtest.NewRelay(10 * time.Second), clock: clk}
	r.ic = &intercom{cfg: cfg, log: slog.New(slog.NewTextHandler(io.Discard, nil)), phone: r.ph,
		buttons: r.buttons.Events(), leds: r.leds, relay: r.relay, sounds: snd, player: r.pl,
		door:  newDoorCode(cfg.Door.Code, cfg.Door.LockoutAttempts, cfg.Door.LockoutTime.Duration),
		clock: clk, faults: map[string]string{}, inject: make(chan func())}
	ctx, cancel := context.WithCancel(context.Background())
	r.ic.root = ctx
	done := make(chan struct{})
	go func() { defer close(done); r.ic.run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	r.waitLED("status", hw.Heartbeat)
	return r
}

const guard = 5 * time.Second

// expectPlay waits for the next Play and checks it.
func (r *rig) expectPlay(prompt string, to media.Target) {
	r.t.Helper()
	select {
	case p := <-r.pl.plays:
		if p.prompt != prompt || p.to != to {
			r.t.Fatalf("played %q to %v, want %q to %v", p.prompt, p.to, prompt, to)
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
		case p := <-r.pl.plays:
			got[p.to] = p.prompt
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
	r.ph.outcome <- nil
	r.waitLED("call", hw.On)
}

// barrier returns once the intercom has handled every event sent before it:
// events are handled in order, and a state change shows on the call LED.
func (r *rig) barrier() {
	r.t.Helper()
	r.ph.emit(phone.Event{Kind: phone.EventState, State: phone.StateIdle})
	r.waitLED("call", hw.Off)
	r.ph.emit(phone.Event{Kind: phone.EventState, State: phone.StateConnected})
	r.waitLED("call", hw.On)
}

func (r *rig) digits(s string) {
	for _, d := range s {
		r.ph.emit(phone.Event{Kind: phone.EventDTMF, Digit: d})
	}
}

func TestBehaviourCallAnswered(t *testing.T) {
	r := newRig(t, "")
	r.buttons.Press("call")
	r.expectPlay("doorbell (built-in)", media.ToLocal) // the visitor hears it while it rings
	r.waitLED("call", hw.FastBlink)
	if r.ph.dials[0] != "10.0.0.2" {
		t.Fatalf("dialled %v, want peer.address", r.ph.dials)
	}
	r.ph.outcome <- nil
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
			r.ph.outcome <- tc.err
			r.expectPlay(tc.prompt, media.ToLocal)
			r.waitLED("call", hw.Off)
		})
	}
}

func TestBehaviourIncomingAnswered(t *testing.T) {
	r := newRig(t, "")
	r.ph.set(phone.StateIncoming)
	r.ph.emit(phone.Event{Kind: phone.EventIncoming, Peer: "sip:door@10.0.0.1"})
	r.expectPlay("ringtone (built-in)", media.ToLocal)
	r.waitLED("call", hw.FastBlink)
	r.buttons.Press("answer")
	r.waitLED("call", hw.On)
	if r.ph.answers != 1 {
		t.Fatalf("answers = %d", r.ph.answers)
	}
}

func TestBehaviourToggleFollowsState(t *testing.T) {
	r := newRig(t, "")
	r.buttons.Press("toggle") // idle: call
	r.expectPlay("doorbell (built-in)", media.ToLocal)
	r.ph.outcome <- nil
	r.waitLED("call", hw.On)
	r.buttons.Press("toggle") // connected: hang up
	r.waitLED("call", hw.Off)
	r.ph.set(phone.StateIncoming)
	r.waitLED("call", hw.FastBlink)
	r.buttons.Press("toggle") // incoming: answer
	r.waitLED("call", hw.On)
	if r.ph.hangups != 1 || r.ph.answers != 1 || len(r.ph.dials) != 1 {
		t.Fatalf("hangups %d answers %d dials %d", r.ph.hangups, r.ph.answers, len(r.ph.dials))
	}
}

func TestBehaviourMaxDurationWarns(t *testing.T) {
	r := newRig(t, "")
	r.connect()
	r.clock.Advance(2*time.Minute - warnBefore - time.Second)
	select {
	case p := <-r.pl.plays:
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
	if r.ph.hangups != 0 {
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
	case <-r.ph.hungUpCh:
	case <-time.After(guard):
		t.Fatal("no hang-up after opening")
	}
}

func TestBehaviourOpenButtonSendsCode(t *testing.T) {
	r := newRig(t, "")
	r.connect()
	r.buttons.Press("open")
	r.waitFor("DTMF sent", func() bool { r.ph.mu.Lock(); defer r.ph.mu.Unlock(); return len(r.ph.dtmf) == 1 })
	if r.ph.dtmf[0] != "1234" {
		t.Fatalf("sent %q", r.ph.dtmf)
	}
}

func TestBehaviourFaultShowsOnStatusLED(t *testing.T) {
	r := newRig(t, "")
	r.ic.reportFault("audio", errors.New("device stopped"))
	r.waitLED("status", hw.Error)
	r.ic.reportFault("audio", nil)
	r.waitLED("status", hw.Heartbeat)
}
