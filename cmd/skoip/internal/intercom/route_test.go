package intercom

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// recorded collects the published events.
type recorded struct {
	mu  sync.Mutex
	evs []events.Event
}

func (r *recorded) Publish(ev events.Event) events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, ev)
	return ev
}

// of returns the events of type t.
func (r *recorded) of(t events.Type) []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []events.Event
	for _, ev := range r.evs {
		if ev.Type == t {
			out = append(out, ev)
		}
	}
	return out
}

const groupsConfig = `
[[groups]]
name = "inside"
mode = "parallel"
members = ["10.0.0.5", "10.0.0.6"]
ring_time = "20s"
[[groups]]
name = "house"
mode = "sequential"
members = ["group:inside", "10.0.0.7", "10.0.0.8"]
ring_time = "15s"
`

func TestSequentialGroupRingsEachStageOnce(t *testing.T) {
	ev := &recorded{}
	r := newRigWith(t, groupsConfig, func(_ *rig, d *Deps) { d.Events = ev })
	if err := r.ic.Call(context.Background(), "group:house"); err != nil {
		t.Fatal(err)
	}
	r.expectPlay("doorbell (built-in)", media.ToLocal)
	r.waitFor("stage 1", func() bool { return len(r.ph.Dials()) == 1 })
	if got := r.ph.Dials()[0]; got != "10.0.0.5|10.0.0.6" {
		t.Fatalf("stage 1 dialled %q", got)
	}
	r.ph.Outcome <- phone.ErrTimeout
	r.waitFor("stage 2", func() bool { return len(r.ph.Dials()) == 2 })
	r.ph.Outcome <- phone.ErrBusy
	r.waitFor("stage 3", func() bool { return len(r.ph.Dials()) == 3 })
	snap, err := r.ic.Snapshot(context.Background())
	if err != nil || snap.Route == nil || snap.Route.Stage != 3 || snap.Route.Stages != 3 || snap.Route.Target != "group:house" {
		t.Fatalf("snapshot route %+v, %v", snap.Route, err)
	}
	r.ph.Outcome <- nil
	r.waitLED("call", hw.On)
	if got := r.ph.Dials(); !slices.Equal(got, []string{"10.0.0.5|10.0.0.6", "10.0.0.7", "10.0.0.8"}) {
		t.Errorf("dials %q", got)
	}
	select {
	case p := <-r.pl.Plays:
		t.Errorf("played %v between the stages: the doorbell must go on, not restart", p)
	default:
	}
	r.waitFor("route answered", func() bool { return len(ev.of(events.Route)) == 5 })
	var kinds []string
	for _, e := range ev.of(events.Route) {
		kinds = append(kinds, e.EventType)
	}
	if !slices.Equal(kinds, []string{"start", "stage", "stage", "stage", "answered"}) {
		t.Errorf("route events %q", kinds)
	}
	if st := ev.of(events.Route)[1]; st.Stage != 1 || st.RingS != 20 || len(st.Targets) != 2 {
		t.Errorf("stage event %+v", st)
	}
	if st := ev.of(events.Route)[2]; st.RingS != 15 {
		t.Errorf("stage 2 ring %v, want 15", st.RingS)
	}
	snap, _ = r.ic.Snapshot(context.Background())
	if snap.Route != nil {
		t.Errorf("route still shown after the answer: %+v", snap.Route)
	}
}

func TestHangupStopsARoute(t *testing.T) {
	r := newRig(t, groupsConfig)
	if err := r.ic.Call(context.Background(), "group:house"); err != nil {
		t.Fatal(err)
	}
	r.expectPlay("doorbell (built-in)", media.ToLocal)
	r.waitFor("stage 1", func() bool { return len(r.ph.Dials()) == 1 })
	if err := r.ic.Hangup(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.expectPlay("no answer (built-in)", media.ToLocal)
	time.Sleep(50 * time.Millisecond)
	if n := len(r.ph.Dials()); n != 1 {
		t.Errorf("%d dials after the hang-up, want the 1 before it", n)
	}
}

const profileConfig = `
[device]
timezone = "UTC"
[[groups]]
name = "inside"
mode = "parallel"
members = ["10.0.0.5", "10.0.0.6"]
[[profiles]]
name = "p"
rules = ["mon 13:00-14:00 group:inside", "tue-sun 00:00-24:00 dnd"]
[[buttons]]
name = "bell"
pin = "GPIO26"
action = "call"
target = "10.0.0.9"
profile = "p"
`

// The rig's clock starts at 1970-01-12 13:46:40 UTC, a Monday.
func TestTimeProfilePicksTheTarget(t *testing.T) {
	for _, c := range []struct {
		name  string
		valid bool
		at    time.Duration // after the rig's start
		want  string        // "" : do-not-disturb, nobody called
	}{
		{"rule", true, 0, "10.0.0.5|10.0.0.6"},
		{"outside the rules", true, 15 * time.Minute, "10.0.0.9"},
		{"clock not synchronised", false, 0, "10.0.0.9"},
		{"do-not-disturb rule", true, 24 * time.Hour, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRigWith(t, profileConfig, func(_ *rig, d *Deps) {
				d.ClockValid = func() (bool, string) { return c.valid, "test" }
			})
			r.clock.Advance(c.at)
			r.buttons.Press("bell")
			if c.want == "" {
				r.expectPlay("do not disturb (built-in)", media.ToLocal)
				if n := len(r.ph.Dials()); n != 0 {
					t.Errorf("%d dials under do-not-disturb", n)
				}
				return
			}
			r.expectPlay("doorbell (built-in)", media.ToLocal)
			r.waitFor("dial", func() bool { return len(r.ph.Dials()) == 1 })
			if got := r.ph.Dials()[0]; got != c.want {
				t.Errorf("dialled %q, want %q", got, c.want)
			}
		})
	}
}

// fakeRecorder records a message of 2 s, or fails with err.
type fakeRecorder struct {
	calls chan struct{}
	err   error
}

func (f *fakeRecorder) Record(ctx context.Context) (string, time.Duration, error) {
	f.calls <- struct{}{}
	if f.err != nil {
		return "", 0, f.err
	}
	return "msg-19700112T134640Z-000", 2 * time.Second, nil
}

func TestNobodyAnswersAVoiceMessage(t *testing.T) {
	ev := &recorded{}
	rec := &fakeRecorder{calls: make(chan struct{}, 4)}
	r := newRigWith(t, "", func(r *rig, d *Deps) {
		d.Events, d.Voicemail = ev, rec
		r.pl.Instant = []string{"no answer (built-in)", "leave a message (built-in)"}
	})
	r.buttons.Press("call")
	r.expectPlay("doorbell (built-in)", media.ToLocal)
	r.ph.Outcome <- phone.ErrBusy
	r.expectPlay("no answer (built-in)", media.ToLocal)
	r.expectPlay("leave a message (built-in)", media.ToLocal)
	select {
	case <-rec.calls:
	case <-time.After(guard):
		t.Fatal("no recording")
	}
	r.waitFor("message event", func() bool { return len(ev.of(events.Message)) == 1 })
	if m := ev.of(events.Message)[0]; m.Message != "msg-19700112T134640Z-000" || m.DurationS != 2 || m.Button != "call" {
		t.Errorf("message event %+v", m)
	}

	// A full SD card: a fault, and the next press still calls.
	rec.err = errors.New("voicemail: cannot store the message: no space left on device")
	r.buttons.Press("call")
	r.expectPlay("doorbell (built-in)", media.ToLocal)
	r.ph.Outcome <- phone.ErrTimeout
	r.expectPlay("no answer (built-in)", media.ToLocal)
	r.expectPlay("leave a message (built-in)", media.ToLocal)
	<-rec.calls
	r.waitLED("status", hw.Error)
	r.buttons.Press("call")
	r.expectPlay("doorbell (built-in)", media.ToLocal)
	r.waitFor("third dial", func() bool { return len(r.ph.Dials()) == 3 })
}

func TestACancelledRingLeavesNoMessage(t *testing.T) {
	rec := &fakeRecorder{calls: make(chan struct{}, 4)}
	r := newRigWith(t, "", func(_ *rig, d *Deps) { d.Voicemail = rec })
	r.buttons.Press("call")
	r.expectPlay("doorbell (built-in)", media.ToLocal)
	r.waitFor("dial", func() bool { return r.ic.phone.Status().State == phone.StateOutgoing })
	if err := r.ic.Hangup(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.expectPlay("no answer (built-in)", media.ToLocal)
	select {
	case <-rec.calls:
		t.Error("a ring cancelled here recorded a message")
	case <-time.After(100 * time.Millisecond):
	}
}

// A call that comes in between two stages ends the route and rings: its
// ringtone is not stopped with the route's doorbell.
func TestIncomingBetweenStagesKeepsItsRingtone(t *testing.T) {
	r := newRig(t, groupsConfig)
	if err := r.ic.Call(context.Background(), "group:house"); err != nil {
		t.Fatal(err)
	}
	r.expectPlay("doorbell (built-in)", media.ToLocal)
	r.waitFor("stage 1", func() bool { return len(r.ph.Dials()) == 1 })
	r.ph.Outcome <- phone.ErrBusy
	r.waitFor("stage 2", func() bool { return len(r.ph.Dials()) == 2 })
	r.ph.Set(phone.StateIncoming)
	r.ph.Emit(phone.Event{Kind: phone.EventIncoming, Peer: "sip:inside@10.0.0.9"})
	r.expectPlay("ringtone (built-in)", media.ToLocal)
	r.ph.Outcome <- phone.ErrCallInProgress
	deadline := time.After(200 * time.Millisecond)
	for {
		select {
		case p := <-r.pl.Ended:
			if p.Prompt == "ringtone (built-in)" {
				t.Fatal("the incoming call's ringtone was stopped when the route ended")
			}
			continue
		case <-deadline:
		}
		break
	}
	if n := len(r.ph.Dials()); n != 2 {
		t.Errorf("%d dials: the route went on after the incoming call", n)
	}
}

// The time profile follows the unit's clock on device.timezone's wall
// clock, across midnight and both daylight saving changes.
func TestTimeProfileAcrossDSTAndMidnight(t *testing.T) {
	if _, err := time.LoadLocation("Europe/Berlin"); err != nil {
		t.Skipf("no zoneinfo database on this machine: %v", err)
	}
	const cfg = `
[device]
timezone = "Europe/Berlin"
[[profiles]]
name = "p"
rules = ["daily 22:00-01:00 10.0.0.7", "sun 02:00-03:00 10.0.0.8", "sun 03:00-07:00 10.0.0.6"]
[[buttons]]
name = "bell"
pin = "GPIO26"
action = "call"
target = "10.0.0.9"
profile = "p"
`
	for _, c := range []struct {
		utc  string
		want string
	}{
		{"2026-12-07T20:59:00Z", "10.0.0.9"}, // Monday 21:59 CET
		{"2026-12-07T21:00:00Z", "10.0.0.7"}, // 22:00 CET
		{"2026-12-07T22:59:59Z", "10.0.0.7"}, // 23:59:59
		{"2026-12-07T23:00:00Z", "10.0.0.7"}, // Tuesday 00:00
		{"2026-12-08T00:00:00Z", "10.0.0.9"}, // 01:00
		{"2026-03-29T00:59:59Z", "10.0.0.9"}, // Sunday 01:59:59 CET, the spring change
		{"2026-03-29T01:00:00Z", "10.0.0.6"}, // 03:00 CEST: 02:00-03:00 never happened
		{"2026-03-29T04:59:00Z", "10.0.0.6"}, // 06:59 CEST
		{"2026-03-29T05:00:00Z", "10.0.0.9"}, // 07:00 CEST
		{"2026-10-25T00:30:00Z", "10.0.0.8"}, // Sunday 02:30 CEST, the autumn change
		{"2026-10-25T01:30:00Z", "10.0.0.8"}, // 02:30 CET, the same hour again
		{"2026-10-25T02:00:00Z", "10.0.0.6"}, // 03:00 CET
	} {
		t.Run(c.utc, func(t *testing.T) {
			at, _ := time.Parse(time.RFC3339, c.utc)
			r := newRigWith(t, cfg, func(r *rig, d *Deps) {
				d.ClockValid = func() (bool, string) { return true, "" }
				r.clock.Advance(at.Sub(r.clock.Now()))
			})
			r.buttons.Press("bell")
			r.expectPlay("doorbell (built-in)", media.ToLocal)
			r.waitFor("dial", func() bool { return len(r.ph.Dials()) == 1 })
			if got := r.ph.Dials()[0]; got != c.want {
				t.Errorf("dialled %q, want %q", got, c.want)
			}
		})
	}
}
