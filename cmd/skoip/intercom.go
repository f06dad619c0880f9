package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// player is what the intercom needs of the media engine.
type player interface {
	Play(ctx context.Context, p *media.Prompt, to media.Target) error
}

// callControl is what the intercom needs of the phone (*phone.Phone).
type callControl interface {
	Dial(ctx context.Context, target string) error
	Answer(ctx context.Context) error
	Hangup(ctx context.Context) error
	SendDTMF(ctx context.Context, digits string) error
	Status() phone.Status
	Subscribe() (<-chan phone.Event, func())
}

// ledSetter shows patterns on LEDs by name (*hw.LEDSet).
type ledSetter interface {
	Set(name string, p hw.Pattern) error
}

// pulser is the door relay (*hw.Relay).
type pulser interface {
	Pulse(d time.Duration) error
}

// warnBefore is how long before calls.max_duration the warning prompt plays.
const warnBefore = 15 * time.Second

// intercom is the intercom's behaviour: buttons and phone events in,
// calls, prompts, LEDs and the door relay out. Its loop (run) is the one
// owner of its state and side effects: other goroutines (control commands,
// timers, the dial, device faults) hand it work with do or post and never
// touch its fields. Dials and prompts run in goroutines that only the loop
// starts and that it waits for before run returns.
type intercom struct {
	cfg     *config.Config
	log     *slog.Logger
	phone   callControl
	buttons <-chan hw.ButtonEvent
	leds    ledSetter
	relay   pulser // nil without a relay
	sounds  *sounds
	player  player
	door    *doorCode
	clock   hw.Clock

	root context.Context // the run's context: work handed to the loop ends with it
	// notify tells the service manager (sd_notify); nil = nothing to tell.
	notify func(state string)
	// watchdog is the keep-alive interval the loop must ping at; 0 = none.
	watchdog time.Duration
	// inject is the loop's door: every function sent on it runs on the loop.
	inject chan func()

	// The loop's own: touched only by functions that run on the loop.
	bg         sync.WaitGroup // Add only on the loop, Wait when it ends
	dialCancel context.CancelFunc
	ringCancel context.CancelFunc
	warnTimer  hw.Timer
	hangTimer  hw.Timer
	tidyTimer  hw.Timer
	faults     map[string]string
	opened     int // door openings
}

// errStopped is the answer to work handed to a loop that has stopped.
var errStopped = errors.New("the intercom has stopped")

// do runs f on the loop and returns its error. It gives up when ctx ends
// (f may still run later) or when the loop has stopped (f does not run).
func (i *intercom) do(ctx context.Context, f func() error) error {
	res := make(chan error, 1)
	select {
	case i.inject <- func() { res <- f() }:
	case <-ctx.Done():
		return ctx.Err()
	case <-i.root.Done():
		return errStopped
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
func (i *intercom) post(f func()) {
	select {
	case i.inject <- f:
	case <-i.root.Done():
	}
}

// run handles events until ctx ends, then waits for its goroutines.
func (i *intercom) run(ctx context.Context) {
	events, unsubscribe := i.phone.Subscribe()
	defer unsubscribe()
	buttons := i.buttons
	i.showState(phone.StateIdle)
	var ping <-chan time.Time
	if i.watchdog > 0 {
		t := time.NewTicker(i.watchdog / 2)
		defer t.Stop()
		ping = t.C
		i.tell("WATCHDOG=1")
	}
	for {
		select {
		case <-ping:
			i.tell("WATCHDOG=1")
		case f := <-i.inject:
			f()
		case <-ctx.Done():
			i.stopTimers()
			if i.tidyTimer != nil {
				i.tidyTimer.Stop()
			}
			i.stopRing()
			i.bg.Wait() // nothing adds to bg now: only the loop starts goroutines
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			i.onPhone(ctx, ev)
		case be, ok := <-buttons:
			if !ok {
				buttons = nil
				continue
			}
			if be.Kind == hw.Press {
				i.log.Info("button pressed", "button", be.Button)
				if err := i.press(ctx, be.Button); err != nil {
					i.log.Warn("button action failed", "button", be.Button, "err", err)
				}
			}
		}
	}
}

func (i *intercom) tell(state string) {
	if i.notify != nil {
		i.notify(state)
	}
}

// press runs the action of the button called name.
func (i *intercom) press(ctx context.Context, name string) error {
	b, ok := i.button(name)
	if !ok {
		return fmt.Errorf("no button %q", name)
	}
	state := i.phone.Status().State
	switch b.Action {
	case config.ActionCall:
		return i.call(ctx, b.Target)
	case config.ActionAnswer:
		return i.phone.Answer(ctx)
	case config.ActionHangup:
		return i.phone.Hangup(ctx)
	case config.ActionOpen:
		return i.sendDoorCode(ctx)
	case config.ActionToggle:
		switch state {
		case phone.StateIdle:
			return i.call(ctx, b.Target)
		case phone.StateIncoming:
			return i.phone.Answer(ctx)
		default:
			return i.phone.Hangup(ctx)
		}
	}
	return fmt.Errorf("button %q: unknown action %q", name, b.Action)
}

func (i *intercom) button(name string) (config.Button, bool) {
	for _, b := range i.cfg.Buttons {
		if b.Name == name {
			return b, true
		}
	}
	return config.Button{}, false
}

// call dials target (or peer.address) in the background: the doorbell plays
// on the local speaker while it rings, the busy or no-answer prompt after a
// failure. It returns once the call is on its way, or at once with what is
// known to fail: no target, a target the phone cannot dial, a call in
// progress.
func (i *intercom) call(ctx context.Context, target string) error {
	target, err := i.callTarget(target)
	if err != nil {
		return err
	}
	if s := i.phone.Status().State; s != phone.StateIdle {
		return fmt.Errorf("%w (state %s)", phone.ErrCallInProgress, s)
	}
	// phone cancels after calls.ring_timeout; cancel is for hangup.
	dctx, cancel := context.WithCancel(ctx)
	i.dialCancel = cancel
	i.startRing(ctx, i.sounds.doorbell)
	i.goBackground(func() {
		defer cancel()
		err := i.phone.Dial(dctx, target)
		i.post(func() { i.dialEnded(ctx, target, err) })
	})
	return nil
}

// dialEnded stops the doorbell and, after a failure, plays what the
// visitor hears: busy or no answer.
func (i *intercom) dialEnded(ctx context.Context, target string, err error) {
	i.stopRing()
	if err == nil {
		return
	}
	i.log.Info("call failed", "target", target, "err", err)
	if p := i.failurePrompt(err); p != nil {
		i.playBackground(ctx, p, media.ToLocal)
	}
}

// callTarget is where a call to target goes: target, else peer.address.
// It is checked as the config file's targets are, so that a target that
// cannot be dialled is refused here and not in the dial's goroutine.
func (i *intercom) callTarget(target string) (string, error) {
	if target == "" {
		target = i.cfg.Peer.Address
	}
	if target == "" {
		return "", errors.New("no target: set peer.address or the button's target")
	}
	if err := i.cfg.CheckTarget(target); err != nil {
		return "", fmt.Errorf("bad target: %w", err)
	}
	return target, nil
}

// checkPress returns what is known at once to make a press of the button
// called name fail: no such button; for a call, no target, a bad one or a
// call in progress; for the door opener, no door code. A press that passes
// may still fail later (the callee is busy).
func (i *intercom) checkPress(name string) error {
	b, ok := i.button(name)
	if !ok {
		return fmt.Errorf("no button %q in the config", name)
	}
	state := i.phone.Status().State
	switch {
	case b.Action == config.ActionCall, b.Action == config.ActionToggle && state == phone.StateIdle:
		if _, err := i.callTarget(b.Target); err != nil {
			return fmt.Errorf("button %q: %w", name, err)
		}
		if state != phone.StateIdle {
			return fmt.Errorf("button %q: %w (state %s)", name, phone.ErrCallInProgress, state)
		}
	case b.Action == config.ActionOpen && i.cfg.Door.Code == "":
		return fmt.Errorf("button %q: no door code configured (door.code)", name)
	}
	return nil
}

// failurePrompt picks what the visitor hears when a call fails.
func (i *intercom) failurePrompt(err error) *media.Prompt {
	switch {
	case errors.Is(err, phone.ErrBusy), errors.Is(err, phone.ErrDeclined):
		return i.sounds.busy
	case errors.Is(err, phone.ErrTimeout), errors.Is(err, phone.ErrUnavailable),
		errors.Is(err, phone.ErrCancelled), errors.Is(err, context.DeadlineExceeded):
		return i.sounds.noAnswer
	default:
		return i.sounds.busy
	}
}

// hangup ends the call in any state, including a dial in progress.
func (i *intercom) hangup(ctx context.Context) error {
	cancel := i.dialCancel
	if cancel != nil && i.phone.Status().State == phone.StateOutgoing {
		cancel()
		return nil
	}
	return i.phone.Hangup(ctx)
}

func (i *intercom) sendDoorCode(ctx context.Context) error {
	if i.cfg.Door.Code == "" {
		return errors.New("no door code configured (door.code)")
	}
	return i.phone.SendDTMF(ctx, i.cfg.Door.Code)
}
