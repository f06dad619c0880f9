package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/phone"
)

// follow reads the rig's event stream (`ctl events`) into a channel until
// the test ends; it returns once the subscription is in place.
func follow(t *testing.T, path string) <-chan events.Event {
	t.Helper()
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "events\n")
	sc := bufio.NewScanner(conn)
	if !sc.Scan() || !strings.Contains(sc.Text(), `"type":"subscribed"`) {
		t.Fatalf("first line of the stream: %q %v", sc.Text(), sc.Err())
	}
	out := make(chan events.Event, 1024)
	go func() {
		defer close(out)
		for sc.Scan() {
			var ev events.Event
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Errorf("not an event: %q: %v", sc.Text(), err)
				return
			}
			out <- ev
		}
	}()
	return out
}

// next returns the next event of type typ, skipping others.
func next(t *testing.T, evs <-chan events.Event, typ events.Type) events.Event {
	t.Helper()
	deadline := time.After(guard)
	for {
		select {
		case ev, ok := <-evs:
			if !ok {
				t.Fatalf("stream ended waiting for %s", typ)
			}
			if ev.Type == typ {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event", typ)
		}
	}
}

// TestCtlDoorOpen: `ctl door open` pulses this unit's relay for door.pulse,
// without a call, and the stream says who asked (this process) and when
// the relay falls back.
func TestCtlDoorOpen(t *testing.T) {
	r, path := ctlRig(t)
	evs := follow(t, path)
	if code, out := ctl(t, path, "door", "open"); code != 0 || out != `{"ok":true}` {
		t.Fatalf("door open: exit %d %s", code, out)
	}
	if p := r.relay.Pulses(); len(p) != 1 || p[0] != 2*time.Second {
		t.Fatalf("relay pulses %v, want one of door.pulse = 2s", p)
	}
	ev := next(t, evs, events.Relay)
	if ev.Active == nil || !*ev.Active || ev.PulseMS != 2000 || !strings.HasPrefix(ev.By, "ctl uid=") ||
		!strings.Contains(ev.By, fmt.Sprintf(" pid=%d", os.Getpid())) {
		t.Fatalf("relay event %+v, want active for 2000 ms by this process", ev)
	}
	r.waitFor("the relay's timer", func() bool { return r.clock.Pending() > 0 })
	r.clock.Advance(2 * time.Second)
	if ev := next(t, evs, events.Relay); ev.Active == nil || *ev.Active {
		t.Fatalf("after the pulse: %+v, want active false", ev)
	}
	for _, bad := range [][]string{{"door"}, {"door", "close"}, {"door", "open", "now"}} {
		if code, out := ctl(t, path, bad...); code != 1 || !strings.Contains(out, "error") {
			t.Errorf("%v: exit %d %s, want an error", bad, code, out)
		}
	}
	if n := len(r.relay.Pulses()); n != 1 {
		t.Fatalf("%d pulses after bad commands, want 1", n)
	}
}

// TestCtlDoorOpenDuringLockout: with door.lockout_local, the local opener
// is refused while wrong codes lock the door out; without it, it opens.
func TestCtlDoorOpenDuringLockout(t *testing.T) {
	for _, local := range []bool{true, false} {
		t.Run(fmt.Sprint("lockout_local=", local), func(t *testing.T) {
			r := newRigWith(t, true, func(c *config.Config) { c.Door.LockoutLocal = local })
			evs := follow(t, r.path)
			r.ph.Set(phone.StateConnected)
			for range r.cfg.Door.LockoutAttempts {
				r.digits("0000")
			}
			next(t, evs, events.Lockout)
			code, out := ctl(t, r.path, "door", "open")
			pulses := len(r.relay.Pulses())
			if local && (code != 1 || !strings.Contains(out, "locked out") || pulses != 0) {
				t.Fatalf("locked out: exit %d %s, %d pulses; want refused", code, out, pulses)
			}
			if !local && (code != 0 || pulses != 1) {
				t.Fatalf("locked out without lockout_local: exit %d %s, %d pulses; want opened", code, out, pulses)
			}
		})
	}
}

// TestDoNotDisturb: with dnd on, a press at the door calls nobody, plays
// the do-not-disturb prompt to the visitor and is still a ring (then a
// missed one) in the stream; with calls.dnd_target it calls that target;
// off again, it calls the peer.
func TestDoNotDisturb(t *testing.T) {
	r := newRig(t, false)
	evs := follow(t, r.path)
	if code, out := ctl(t, r.path, "dnd", "on"); code != 0 {
		t.Fatalf("dnd on: %s", out)
	}
	if ev := next(t, evs, events.DND); ev.On == nil || !*ev.On {
		t.Fatalf("dnd event %+v", ev)
	}
	if code, out := ctl(t, r.path, "press", "call"); code != 0 {
		t.Fatalf("press: %s", out)
	}
	if ev := next(t, evs, events.Doorbell); ev.EventType != events.Ring || ev.Button != "call" {
		t.Fatalf("first doorbell event %+v, want ring", ev)
	}
	if ev := next(t, evs, events.Doorbell); ev.EventType != events.RingMissed || ev.Reason != "do not disturb" {
		t.Fatalf("second doorbell event %+v, want missed (do not disturb)", ev)
	}
	if p := <-r.pl.Plays; !strings.HasPrefix(p.Prompt, "do not disturb") {
		t.Fatalf("played %+v, want the do-not-disturb prompt", p)
	}
	if d := r.ph.Dials(); len(d) != 0 {
		t.Fatalf("dialled %v with dnd on and no dnd_target", d)
	}
	if code, st := ctl(t, r.path, "status"); code != 0 || !strings.Contains(st, `"dnd":true`) {
		t.Fatalf("status: %s", st)
	}
	for _, bad := range []string{"yes", "ON", "1"} {
		if code, _ := ctl(t, r.path, "dnd", bad); code != 1 {
			t.Errorf("dnd %s: exit %d, want 1", bad, code)
		}
	}
	ctl(t, r.path, "dnd", "off")
	ctl(t, r.path, "press", "call")
	r.waitFor("the dial", func() bool { return len(r.ph.Dials()) == 1 })
	if d := r.ph.Dials(); d[0] != "10.0.0.2" {
		t.Fatalf("dialled %v with dnd off, want the peer", d)
	}
	r.ph.Outcome <- phone.ErrBusy
	if ev := next(t, evs, events.Doorbell); ev.EventType != events.Ring || ev.Peer != "10.0.0.2" {
		t.Fatalf("doorbell %+v, want ring of 10.0.0.2", ev)
	}
	if ev := next(t, evs, events.Doorbell); ev.EventType != events.RingMissed || !strings.Contains(ev.Reason, "busy") {
		t.Fatalf("doorbell %+v, want missed (busy)", ev)
	}
}

// TestDoNotDisturbTarget: calls.dnd_target takes the ring while dnd is on.
func TestDoNotDisturbTarget(t *testing.T) {
	r := newRigWith(t, false, func(c *config.Config) { c.Calls.DNDTarget = "10.0.0.9" })
	evs := follow(t, r.path)
	ctl(t, r.path, "dnd", "on")
	ctl(t, r.path, "press", "call")
	r.waitFor("the dial", func() bool { return len(r.ph.Dials()) == 1 })
	if d := r.ph.Dials(); d[0] != "10.0.0.9" {
		t.Fatalf("dialled %v, want dnd_target", d)
	}
	r.ph.Outcome <- nil
	if ev := next(t, evs, events.Doorbell); ev.EventType != events.Ring || ev.Peer != "10.0.0.9" {
		t.Fatalf("doorbell %+v", ev)
	}
	if ev := next(t, evs, events.Doorbell); ev.EventType != events.RingAnswered {
		t.Fatalf("doorbell %+v, want answered", ev)
	}
}

// TestEventsStalledReader: a reader that stops reading while thousands of
// events happen does not hold the intercom up (every digit is taken, status
// answers at once), and once it reads again it is told how many events it
// missed, exactly where: seq jumps by that many after each notice.
func TestEventsStalledReader(t *testing.T) {
	r, path := ctlRig(t)
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "events\n")
	br := bufio.NewReader(conn)
	if line, err := br.ReadString('\n'); err != nil || !strings.Contains(line, "subscribed") {
		t.Fatalf("first line %q %v", line, err)
	}
	// The reader stops here. 3000 digits in a call: 3000 DTMF events, the
	// wrong codes and the lockout; about 400 KB of JSON.
	r.ph.Set(phone.StateConnected)
	const digits = 3000
	for i := 0; i < digits; i += 100 {
		r.digits(strings.Repeat("5", 100))
		start := time.Now()
		if code, out := ctl(t, path, "status"); code != 0 || !strings.Contains(out, `"state":"connected"`) {
			t.Fatalf("status while the reader stalls: %d %s", code, out)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("status took %v while the reader stalls", d)
		}
	}
	// Every digit handled before the last event is asked for: the loop
	// takes commands and phone events in any order, so "dnd on" could
	// otherwise overtake digits still queued. Queued 0 means the loop took
	// the last one; a status (a command on the loop) returns after it is
	// handled.
	r.waitFor("the loop to take every digit", func() bool { return r.ph.Queued() == 0 })
	if code, out := ctl(t, path, "status"); code != 0 {
		t.Fatalf("status: %d %s", code, out)
	}
	// Reading again: what was queued, then the notice of the gap at the
	// end; then an event after it.
	lines := make(chan []byte, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(br)
		for sc.Scan() {
			lines <- append([]byte(nil), sc.Bytes()...)
		}
	}()
	var got []events.Event
	marked := false
	for done := false; !done; {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatal("stream ended")
			}
			var ev events.Event
			if err := json.Unmarshal(line, &ev); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			got = append(got, ev)
			if ev.Type == events.Dropped && !marked {
				marked = true
				go control.Request(context.Background(), path, "dnd on") // the last event
			}
			done = ev.Type == events.DND
		case <-time.After(guard):
			t.Fatalf("no notice and no last event after %d events", len(got))
		}
	}
	var missed, received uint64
	var last uint64
	for i, ev := range got {
		if ev.Type == events.Dropped {
			missed += ev.Missed
			if i+1 >= len(got) || got[i+1].Seq-last-1 != ev.Missed {
				t.Fatalf("notice of %d missed after seq %d, next %+v", ev.Missed, last, got[min(i+1, len(got)-1)])
			}
			continue
		}
		if last != 0 && ev.Seq != last+1 && got[i-1].Type != events.Dropped {
			t.Fatalf("seq %d after %d with no notice", ev.Seq, last)
		}
		last = ev.Seq
		received++
	}
	if missed == 0 || received+missed != last-got[0].Seq+1 {
		t.Fatalf("received %d, missed %d, seq %d..%d", received, missed, got[0].Seq, last)
	}
	if dtmf := countType(got, events.DTMF); dtmf+missed < digits {
		t.Fatalf("%d digits received + %d missed < %d sent", dtmf, missed, digits)
	}
	t.Logf("stalled reader: %d events received, %d missed and told", received, missed)
}

func countType(evs []events.Event, typ events.Type) uint64 {
	var n uint64
	for _, ev := range evs {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

// TestCtlEventsCLI: `skoip ctl events` prints the stream until --timeout
// (exit 0: the end of a stream is not a failure); a stray argument is an
// error reply and exit 1.
func TestCtlEventsCLI(t *testing.T) {
	_, path := ctlRig(t)
	type result struct {
		code int
		out  string
	}
	done := make(chan result, 1)
	go func() {
		code, out := ctl(t, path, "--timeout", "1s", "events")
		done <- result{code, out}
	}()
	var res result
	for on := true; ; on = !on {
		select {
		case res = <-done:
		case <-time.After(20 * time.Millisecond):
			ctl(t, path, "dnd", map[bool]string{true: "on", false: "off"}[on])
			continue
		}
		break
	}
	lines := strings.Split(res.out, "\n")
	if res.code != 0 || !strings.Contains(lines[0], `"type":"subscribed"`) || !strings.Contains(res.out, `"type":"dnd"`) {
		t.Fatalf("ctl events: exit %d, printed:\n%s", res.code, res.out)
	}
	if code, out := ctl(t, path, "events", "now"); code != 1 || !strings.Contains(out, "takes no arguments") {
		t.Fatalf("events now: exit %d %s", code, out)
	}
}
