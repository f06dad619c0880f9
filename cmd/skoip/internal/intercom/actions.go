package intercom

import (
	"context"
	"errors"
	"fmt"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// press runs the action of the button called name.
func (i *Intercom) press(ctx context.Context, name string) error {
	b, ok := i.button(name)
	if !ok {
		return fmt.Errorf("no button %q", name)
	}
	state := i.phone.Status().State
	switch b.Action {
	case config.ActionCall:
		return i.ring(ctx, b)
	case config.ActionAnswer:
		return i.phone.Answer(ctx)
	case config.ActionHangup:
		return i.phone.Hangup(ctx)
	case config.ActionOpen:
		return i.sendDoorCode(ctx)
	case config.ActionToggle:
		switch state {
		case phone.StateIdle:
			return i.ring(ctx, b)
		case phone.StateIncoming:
			return i.phone.Answer(ctx)
		default:
			return i.phone.Hangup(ctx)
		}
	}
	return fmt.Errorf("button %q: unknown action %q", name, b.Action)
}

func (i *Intercom) button(name string) (config.Button, bool) {
	for _, b := range i.cfg.Buttons {
		if b.Name == name {
			return b, true
		}
	}
	return config.Button{}, false
}

// ring is a press of call button b at the door: a doorbell "ring" event,
// then the call to b's target, or with do-not-disturb on, to
// calls.dnd_target or to nobody (the visitor hears the do-not-disturb
// prompt, and the ring is "missed").
func (i *Intercom) ring(ctx context.Context, b config.Button) error {
	i.stopMessage()
	target, dnd := b.Target, i.dnd.on
	if t, ok := i.profileTarget(b); ok {
		if t == config.TargetDND {
			dnd = true
		} else {
			target = t
		}
	}
	if dnd {
		target = i.cfg.Calls.DNDTarget
		if target == "" {
			if s := i.phone.Status().State; s != phone.StateIdle {
				return fmt.Errorf("%w (state %s)", phone.ErrCallInProgress, s)
			}
			i.log.Info("do-not-disturb: nobody is called", "button", b.Name)
			i.publishDoorbell(events.Ring, b.Name, "", reasonDND)
			i.publishDoorbell(events.RingMissed, b.Name, "", reasonDND)
			i.playBackground(ctx, i.sounds.DoNotDisturb, media.ToLocal)
			return nil
		}
		i.log.Info("do-not-disturb: calling its target instead", "button", b.Name, "target", target)
	}
	return i.call(ctx, target, b.Name)
}

// reasonDND is the doorbell events' reason while do-not-disturb is on.
const reasonDND = "do not disturb"

// call dials target (or peer.address) in the background: the doorbell plays
// on the local speaker while it rings, the busy or no-answer prompt after a
// failure. button names the call button at the door that asked for it ("":
// not a ring at the door, no doorbell events). It returns once the call is
// on its way, or at once with what is known to fail: no target, a target
// the phone cannot dial, a call in progress.
func (i *Intercom) call(ctx context.Context, target, button string) error {
	target, err := i.callTarget(target)
	if err != nil {
		return err
	}
	if s := i.phone.Status().State; s != phone.StateIdle {
		return fmt.Errorf("%w (state %s)", phone.ErrCallInProgress, s)
	}
	if button != "" {
		i.bell = &doorRing{button: button, target: target}
		reason := ""
		if i.dnd.on {
			reason = reasonDND
		}
		i.publishDoorbell(events.Ring, button, target, reason)
	}
	// phone cancels after calls.ring_timeout; cancel is for hangup.
	dctx, cancel := context.WithCancel(ctx)
	i.dialCancel = cancel
	i.startRing(ctx, i.sounds.Doorbell)
	stages := i.cfg.Route(target)
	if plain(target, stages) {
		i.goBackground(func() {
			defer cancel()
			err := i.phone.Dial(dctx, target)
			i.post(func() { i.dialEnded(ctx, target, err) })
		})
		return nil
	}
	r := &routeRun{target: target, stages: stages}
	i.route, i.lastRoute = r, nil
	i.events.Publish(events.Event{Type: events.Route, EventType: events.RouteStart, Target: target, Stages: len(stages)})
	i.goBackground(func() {
		defer cancel()
		err := i.runRoute(dctx, r, stages)
		i.post(func() { i.dialEnded(ctx, target, err) })
	})
	return nil
}

// dialEnded stops the doorbell and, after a failure, plays what the
// visitor hears: busy or no answer.
func (i *Intercom) dialEnded(ctx context.Context, target string, err error) {
	// A call that came in between two stages of a route (it ended the
	// route) rings here now: its ringtone stays.
	if !errors.Is(err, phone.ErrCallInProgress) || i.phone.Status().State != phone.StateIncoming {
		i.stopRing()
	}
	if r := i.route; r != nil {
		i.route, i.lastRoute = nil, r
		e := events.Event{Type: events.Route, EventType: events.RouteAnswered, Target: r.target, Stage: r.stage, Stages: len(r.stages)}
		if err != nil {
			e.EventType, e.Reason = events.RouteUnanswered, err.Error()
		}
		i.events.Publish(e)
	}
	button := ""
	if b := i.bell; b != nil {
		i.bell, button = nil, b.button
		if err == nil {
			i.publishDoorbell(events.RingAnswered, b.button, b.target, "")
		} else {
			i.publishDoorbell(events.RingMissed, b.button, b.target, err.Error())
		}
	}
	if err == nil {
		return
	}
	i.log.Info("call failed", "target", target, "err", err)
	if button != "" && i.wantsMessage(err) {
		i.takeMessage(ctx, button)
		return
	}
	if p := i.failurePrompt(err); p != nil {
		i.playBackground(ctx, p, media.ToLocal)
	}
}

// callTarget is where a call to target goes: target, else peer.address.
// It is checked as the config file's targets are, so that a target that
// cannot be dialled is refused here and not in the dial's goroutine.
func (i *Intercom) callTarget(target string) (string, error) {
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
func (i *Intercom) checkPress(name string) error {
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
func (i *Intercom) failurePrompt(err error) *media.Prompt {
	switch {
	case errors.Is(err, phone.ErrBusy), errors.Is(err, phone.ErrDeclined):
		return i.sounds.Busy
	case errors.Is(err, phone.ErrTimeout), errors.Is(err, phone.ErrUnavailable),
		errors.Is(err, phone.ErrCancelled), errors.Is(err, context.DeadlineExceeded):
		return i.sounds.NoAnswer
	default:
		return i.sounds.Busy
	}
}

// hangup ends the call in any state, including a dial in progress.
func (i *Intercom) hangup(ctx context.Context) error {
	cancel := i.dialCancel
	if cancel != nil && (i.route != nil || i.phone.Status().State == phone.StateOutgoing) {
		cancel()
		return nil
	}
	return i.phone.Hangup(ctx)
}

func (i *Intercom) sendDoorCode(ctx context.Context) error {
	if i.cfg.Door.Code == "" {
		return errors.New("no door code configured (door.code)")
	}
	return i.phone.SendDTMF(ctx, i.cfg.Door.Code)
}
