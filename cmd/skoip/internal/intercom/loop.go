package intercom

import (
	"context"

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
	return i.do(ctx, func() error { return i.call(i.root, target) })
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
// the background; the file is decoded first (at PromptRate).
func (i *Intercom) Play(ctx context.Context, path string) error {
	if i.phone.Status().State != phone.StateConnected {
		return ErrNoCall
	}
	p, err := media.LoadPrompt(path, PromptRate)
	if err != nil {
		return err
	}
	return i.do(ctx, func() error {
		i.playBackground(i.root, p, media.ToRemote)
		return nil
	})
}

// Snapshot is the part of the intercom's state that `skoip ctl status`
// shows.
type Snapshot struct {
	DoorOpened int               // door openings since the start
	Faults     map[string]string // component: what is wrong
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
		return nil
	})
	return s, err
}

// ReportFault hands a fault of component (err != nil) or its end to the
// loop, which shows it on the status LEDs. The audio device calls it from
// its own goroutine; it waits until the loop takes it or has stopped.
func (i *Intercom) ReportFault(component string, err error) {
	i.post(func() { i.setFault(component, err) })
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
