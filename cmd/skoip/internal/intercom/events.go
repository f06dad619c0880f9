package intercom

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

func (i *Intercom) onPhone(ctx context.Context, ev phone.Event) {
	i.publishPhone(ev)
	switch ev.Kind {
	case phone.EventState:
		i.showState(ev.State)
		if ev.State == phone.StateIdle {
			i.tell("STATUS=idle")
		} else {
			i.tell("STATUS=" + string(ev.State) + " " + ev.Peer)
		}
		if ev.State != phone.StateIdle {
			i.stopMessage() // a call needs the speaker and the microphone
		}
		switch ev.State {
		case phone.StateConnected:
			i.stopRing()
			i.door.reset()
			i.armWarning(ctx)
		case phone.StateIdle:
			if i.route == nil { // between stages the doorbell goes on
				i.stopRing()
			}
			i.stopTimers()
			i.armTidy()
		}
	case phone.EventIncoming:
		i.log.Info("incoming call", "from", ev.Peer)
		i.startRing(ctx, i.sounds.Ringtone)
	case phone.EventDTMF:
		if i.cfg.SecureDoor() && !ev.Secure {
			i.log.Warn("digit ignored for the door code: the call is not secure (door.require_secure: TLS with a trusted peer and SRTP)",
				"peer", ev.Peer, "source", ev.Source)
			return
		}
		i.onDigit(ctx, ev.Digit)
	case phone.EventAttempt:
		i.publishAttempt(ev)
	case phone.EventRegistration:
		if ev.Registered {
			i.setFault("registration", nil)
		} else {
			i.setFault("registration", fmt.Errorf("%s", ev.Reason))
		}
	}
}

// onDigit feeds a received DTMF digit to the door code.
func (i *Intercom) onDigit(ctx context.Context, d rune) {
	switch i.door.feed(d, i.clock.Now()) {
	case doorOpen:
		i.events.Publish(events.Event{Type: events.DoorCode, Result: events.CodeAccepted})
		i.openDoor(ctx, byDoorCode)
	case doorWrong:
		i.log.Warn("wrong door code")
		i.events.Publish(events.Event{Type: events.DoorCode, Result: events.CodeWrong})
	case doorLockedNow:
		lock := i.cfg.Door.LockoutTime.Duration
		i.log.Warn("too many wrong door codes: ignoring codes", "for", lock)
		i.events.Publish(events.Event{Type: events.DoorCode, Result: events.CodeWrong})
		i.events.Publish(events.Event{Type: events.Lockout, For: lock.Seconds()})
	case doorLocked:
		i.log.Debug("door code ignored: locked out")
	}
}

// byDoorCode is who opened the door when the far end sent the code.
const byDoorCode = "door code"

// openDoor pulses the relay, plays door_open to both sides of a call (the
// local speaker alone without one) and, when configured and in a call,
// hangs up a little later; by is who asked (logged, and in the relay
// event).
func (i *Intercom) openDoor(ctx context.Context, by string) {
	i.opened++
	pulse := i.cfg.Door.Pulse.Duration
	i.log.Info("opening the door", "by", by, "pulse", pulse)
	if i.relay != nil {
		if err := i.relay.Pulse(pulse); err != nil {
			i.log.Error("door relay", "err", err)
		}
	}
	i.showDoor(hw.On)
	i.relayOn = true
	i.publishRelay(true, pulse, by)
	if i.relayTimer != nil {
		i.relayTimer.Stop()
	}
	i.relayTimer = i.clock.AfterFunc(pulse, func() { i.post(i.relayReleased) })
	i.playBackground(ctx, i.sounds.DoorOpen, media.ToLocal)
	state := i.phone.Status().State
	if state == phone.StateConnected {
		i.playBackground(ctx, i.sounds.DoorOpen, media.ToRemote)
	}
	if d := i.cfg.Door.HangupAfterOpen.Duration; d > 0 && state != phone.StateIdle {
		if i.hangTimer != nil {
			i.hangTimer.Stop()
		}
		i.hangTimer = i.clock.AfterFunc(d, func() { i.post(func() { i.hangupAfterOpen(ctx) }) })
	}
}

// relayReleased runs on the loop when the relay's pulse is over.
func (i *Intercom) relayReleased() {
	i.showDoor(hw.Off)
	i.relayOn = false
	i.relayTimer = nil
	i.publishRelay(false, 0, "")
}

// hangupAfterOpen ends the call door.hangup_after_open after the door opened.
func (i *Intercom) hangupAfterOpen(ctx context.Context) {
	if err := i.phone.Hangup(ctx); err != nil {
		i.log.Warn("hang-up after opening the door", "err", err)
	}
}

// tidyAfter is how long after a call the intercom gives memory back: SIP
// transactions keep a call's messages for 64*T1 = 32 s (RFC 3261).
const tidyAfter = 40 * time.Second

// armTidy returns the memory of the last call to the system once its SIP
// transactions are gone, so that the footprint stays flat over many calls
// instead of waiting for the runtime's periodic GC and scavenger.
func (i *Intercom) armTidy() {
	if i.tidyTimer != nil {
		i.tidyTimer.Stop()
	}
	i.tidyTimer = i.clock.AfterFunc(tidyAfter, func() {
		i.post(func() {
			debug.FreeOSMemory()
			i.log.Debug("memory of past calls returned to the system")
		})
	})
}

// showDoor sets the LEDs that show the door opener.
func (i *Intercom) showDoor(p hw.Pattern) {
	for _, l := range i.cfg.LEDs {
		if l.Show == config.ShowDoor {
			if err := i.leds.Set(l.Name, p); err != nil {
				i.log.Warn("LED", "led", l.Name, "err", err)
			}
		}
	}
}

// warnBefore is how long before calls.max_duration the warning prompt plays.
const warnBefore = 15 * time.Second

// armWarning plays the warning prompt shortly before max_duration ends the call.
func (i *Intercom) armWarning(ctx context.Context) {
	max := i.cfg.Calls.MaxDuration.Duration
	if max == 0 {
		return
	}
	at := max - warnBefore
	if at < max/2 {
		at = max / 2
	}
	i.warnTimer = i.clock.AfterFunc(at, func() {
		i.post(func() {
			i.log.Info("call nearly at calls.max_duration", "max", max)
			i.playBackground(ctx, i.sounds.Warning, media.ToRemote)
			i.playBackground(ctx, i.sounds.Warning, media.ToLocal)
		})
	})
}

func (i *Intercom) stopTimers() {
	for _, t := range []hw.Timer{i.warnTimer, i.hangTimer} {
		if t != nil {
			t.Stop()
		}
	}
	i.warnTimer, i.hangTimer = nil, nil
}

// startRing loops p on the local speaker until stopRing.
func (i *Intercom) startRing(ctx context.Context, p *media.Prompt) {
	rctx, cancel := context.WithCancel(ctx)
	if i.ringCancel != nil {
		i.ringCancel()
	}
	i.ringCancel = cancel
	i.goBackground(func() {
		for rctx.Err() == nil {
			err := i.player.Play(rctx, p, media.ToLocal)
			if err == nil {
				continue
			}
			if rctx.Err() == nil && !errors.Is(err, media.ErrClosed) {
				i.log.Warn("ring prompt", "prompt", p.Name(), "err", err)
			}
			return
		}
	})
}

func (i *Intercom) stopRing() {
	if i.ringCancel != nil {
		i.ringCancel()
		i.ringCancel = nil
	}
}

// goBackground runs f in a goroutine that the loop waits for when it
// stops. Only the loop calls it, so no Add can follow the loop's Wait; once
// the run's context has ended it starts nothing.
func (i *Intercom) goBackground(f func()) {
	if i.root.Err() != nil {
		return
	}
	i.bg.Add(1)
	go func() {
		defer i.bg.Done()
		f()
	}()
}

// playBackground plays p once, in a goroutine the loop waits for.
func (i *Intercom) playBackground(ctx context.Context, p *media.Prompt, to media.Target) {
	i.goBackground(func() {
		if err := i.player.Play(ctx, p, to); err != nil && ctx.Err() == nil && !errors.Is(err, media.ErrClosed) {
			i.log.Debug("prompt", "prompt", p.Name(), "err", err)
		}
	})
}

// showState derives every LED from the call state and the faults: the one
// source of truth for LEDs.
func (i *Intercom) showState(s phone.State) {
	faulty := len(i.faults) > 0
	call := hw.Off
	switch s {
	case phone.StateOutgoing, phone.StateIncoming:
		call = hw.FastBlink
	case phone.StateConnected:
		call = hw.On
	}
	status := hw.Heartbeat
	if faulty {
		status = hw.Error
	}
	for _, l := range i.cfg.LEDs {
		p := hw.Off
		switch l.Show {
		case config.ShowStatus:
			p = status
		case config.ShowCall:
			p = call
		case config.ShowDoor:
			continue // follows the relay: see showDoor
		}
		if err := i.leds.Set(l.Name, p); err != nil {
			i.log.Warn("LED", "led", l.Name, "err", err)
		}
	}
}

// setFault records (err != nil) or clears a fault of component, and shows
// it; repeats of the same state are not logged again.
func (i *Intercom) setFault(component string, err error) {
	prev, had := i.faults[component]
	if err != nil {
		i.faults[component] = err.Error()
	} else {
		delete(i.faults, component)
	}
	switch {
	case err != nil && (!had || prev != err.Error()):
		i.log.Error("fault", "component", component, "err", err)
		i.events.Publish(events.Event{Type: events.Fault, Component: component, Error: err.Error()})
	case err == nil && had:
		i.log.Info("fault cleared", "component", component)
		i.events.Publish(events.Event{Type: events.Fault, Component: component})
	default:
		return
	}
	i.showState(i.phone.Status().State)
}
