package intercom

import (
	"context"
	"fmt"
	"sync"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// The loop's door: every exported method below hands its work to the loop
// and waits for its answer within ctx; none touches the loop's state.

// do runs f on the loop and returns its error. It gives up when ctx ends
// (f may still run later) or when the loop has stopped (f does not run).
func (i *Intercom) do(ctx context.Context, f func() error) error {
	res := make(chan error, 1)
	select {
	case i.inject <- func() { res <- f() }:
	case <-ctx.Done():
		return ctx.Err()
	case <-i.done:
		return ErrStopped
	}
	select {
	case err := <-res:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// post hands f to the loop without waiting for it to run; f is dropped
// when the loop has stopped. Timers and the dial's goroutine use it.
func (i *Intercom) post(f func()) {
	select {
	case i.inject <- f:
	case <-i.done:
	}
}

// Call dials target (peer.address when "") in the background, as a call
// button does. It returns once the call is on its way, or with what is
// known at once to fail: no target, a bad one, a call in progress.
func (i *Intercom) Call(ctx context.Context, target string) error {
	return i.do(ctx, func() error { return i.call(i.root, target, "") })
}

// Hangup ends the call in any state, including a dial in progress.
func (i *Intercom) Hangup(ctx context.Context) error {
	return i.do(ctx, func() error { return i.hangup(ctx) })
}

// SendDoorCode sends door.code as DTMF in the call (the inside unit's
// open button).
func (i *Intercom) SendDoorCode(ctx context.Context) error {
	return i.do(ctx, func() error { return i.sendDoorCode(ctx) })
}

// Press runs the action of the button called name, after checking it as
// CheckPress does.
func (i *Intercom) Press(ctx context.Context, name string) error {
	return i.do(ctx, func() error {
		if err := i.checkPress(name); err != nil {
			return err
		}
		return i.press(i.root, name)
	})
}

// CheckPress returns what is known at once to make a press of the button
// called name fail (see checkPress), without pressing it.
func (i *Intercom) CheckPress(ctx context.Context, name string) error {
	return i.do(ctx, func() error { return i.checkPress(name) })
}

// HasButton reports whether the config has a button called name.
func (i *Intercom) HasButton(name string) bool {
	_, ok := i.button(name)
	return ok
}

// Play sends the WAV file at path to the remote party during a call, in
// the background; the file is decoded first (at the sounds' rate).
func (i *Intercom) Play(ctx context.Context, path string) error {
	if i.phone.Status().State != phone.StateConnected {
		return ErrNoCall
	}
	p, err := media.LoadPrompt(path, max(i.sounds.Rate, PromptRate))
	if err != nil {
		return err
	}
	return i.do(ctx, func() error {
		i.playBackground(i.root, p, media.ToRemote)
		return nil
	})
}

// PlayLocal plays p on the door's own speaker in the background (a voice
// message); refused while a call is up or rings.
func (i *Intercom) PlayLocal(ctx context.Context, p *media.Prompt) error {
	return i.do(ctx, func() error {
		if st := i.phone.Status().State; st != phone.StateIdle || i.route != nil {
			return fmt.Errorf("%w (state %s)", phone.ErrCallInProgress, st)
		}
		i.playBackground(i.root, p, media.ToLocal)
		return nil
	})
}

// OpenDoor pulses this unit's own door relay for door.pulse, as a right
// door code does; by says who asked (logged, in the relay event). With
// door.lockout_local it is refused (ErrLockedOut) while wrong codes have
// locked the door code out.
func (i *Intercom) OpenDoor(ctx context.Context, by string) error {
	return i.do(ctx, func() error {
		if i.cfg.Door.LockoutLocal && i.door.lockedOut(i.clock.Now()) {
			i.log.Warn("door open refused: the door code is locked out (door.lockout_local)", "by", by)
			return ErrLockedOut
		}
		i.openDoor(i.root, by)
		return nil
	})
}

// SetDND turns do-not-disturb on or off for by; the state is kept across
// restarts where there is a state folder.
func (i *Intercom) SetDND(ctx context.Context, on bool, by string) error {
	return i.do(ctx, func() error {
		if on != i.dnd.on {
			i.log.Info("do-not-disturb", "on", on, "by", by)
		}
		i.dnd.set(on, by, i.clock.Now())
		i.events.Publish(events.Event{Type: events.DND, On: events.Bool(on), By: by})
		return nil
	})
}

// Snapshot is the part of the intercom's state that `skoip ctl status`
// shows.
type Snapshot struct {
	DoorOpened int               // door openings since the start
	Faults     map[string]string // component: what is wrong
	Relay      bool              // energised by the last opening
	DND        bool              // do-not-disturb is on
	LockedOut  bool              // wrong codes have locked the door code out
	// LastCall is the last call_ended event; Type "" before the first.
	LastCall events.Event
	// Route is the ring group or chain being called; nil when none.
	Route *RouteStatus
}

// Snapshot returns a copy of the state it describes.
func (i *Intercom) Snapshot(ctx context.Context) (Snapshot, error) {
	var s Snapshot
	err := i.do(ctx, func() error {
		s.DoorOpened = i.opened
		s.Faults = make(map[string]string, len(i.faults))
		for k, v := range i.faults {
			s.Faults[k] = v
		}
		s.Relay, s.DND, s.LastCall = i.relayOn, i.dnd.on, i.lastCall
		s.Route = i.routeStatus()
		s.LockedOut = i.door.lockedOut(i.clock.Now())
		return nil
	})
	return s, err
}

// ReportFault hands a fault of component (err != nil) or its end to the
// loop, which logs it and shows it on the status LEDs. The audio device
// calls it from its own goroutine, so it never waits for the loop: the
// report goes into a mailbox of at most maxReports (the oldest is dropped
// when it is full) that the loop empties.
func (i *Intercom) ReportFault(component string, err error) {
	i.reports.mu.Lock()
	if len(i.reports.queue) == maxReports {
		i.reports.queue = i.reports.queue[1:]
	}
	i.reports.queue = append(i.reports.queue, faultReport{component, err})
	i.reports.mu.Unlock()
	select {
	case i.reports.ready <- struct{}{}:
	default: // the loop has been told already
	}
}

// maxReports bounds the fault reports waiting for the loop.
const maxReports = 16

// faultReport is one ReportFault.
type faultReport struct {
	component string
	err       error
}

// faultMailbox holds fault reports until the loop takes them: it is not
// the loop's state but a queue to it, like inject.
type faultMailbox struct {
	mu    sync.Mutex
	queue []faultReport
	ready chan struct{} // one value: reports are waiting
}

// takeReports runs on the loop: it shows the waiting reports in order.
func (i *Intercom) takeReports() {
	i.reports.mu.Lock()
	q := i.reports.queue
	i.reports.queue = nil
	i.reports.mu.Unlock()
	for _, r := range q {
		i.setFault(r.component, r.err)
	}
}

// HangLoop blocks the loop until Run's ctx ends: it stops pinging the
// systemd watchdog, to test that a hung loop gets restarted.
func (i *Intercom) HangLoop(ctx context.Context) error {
	select {
	case i.inject <- func() { <-i.root.Done() }:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-i.done:
		return ErrStopped
	}
}
