package intercom

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/config/schedule"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// Player is what the intercom needs of the media engine (*media.Engine).
type Player interface {
	Play(ctx context.Context, p *media.Prompt, to media.Target) error
}

// CallControl is what the intercom needs of the phone (*phone.Phone).
type CallControl interface {
	Dial(ctx context.Context, target string) error
	DialAll(ctx context.Context, targets []string, ring time.Duration) (int, error)
	Answer(ctx context.Context) error
	Hangup(ctx context.Context) error
	SendDTMF(ctx context.Context, digits string) error
	Status() phone.Status
	Subscribe() (<-chan phone.Event, func())
}

// LEDSetter shows patterns on LEDs by name (*hw.LEDSet).
type LEDSetter interface {
	Set(name string, p hw.Pattern) error
}

// Pulser is the door relay (*hw.Relay).
type Pulser interface {
	Pulse(d time.Duration) error
}

// Deps are what an Intercom drives and listens to.
type Deps struct {
	Log     *slog.Logger
	Phone   CallControl
	Player  Player
	Buttons <-chan hw.ButtonEvent
	LEDs    LEDSetter
	Relay   Pulser // nil without a relay
	Sounds  *Sounds
	Clock   hw.Clock
	// Door is the door code's checker; nil: cfg's door code, its lockout
	// kept in memory only (OpenDoorCode keeps it in the state folder).
	Door *DoorCode
	// Events takes what happens (the event stream); nil: nobody listens.
	Events Publisher
	// DND is do-not-disturb's switch; nil: off at start, kept in memory
	// only (OpenDND keeps it in the state folder).
	DND *DND
	// ClockValid reports whether Clock can be trusted for time profiles
	// (why not, when not); nil: schedule.SystemClock's.
	ClockValid func() (bool, string)
	// Voicemail records the visitor's message when nobody answers; nil:
	// voice messages are off.
	Voicemail Recorder
}

// Intercom is the intercom's behaviour: buttons and phone events in,
// calls, prompts, LEDs and the door relay out. Its loop (Run) is the one
// owner of its state and side effects: other goroutines (control commands,
// timers, the dial, device faults) hand it work through its exported
// methods, which send it to the loop, and never touch its fields. Dials and
// prompts run in goroutines that only the loop starts and that it waits
// for before Run returns.
type Intercom struct {
	cfg     *config.Config
	log     *slog.Logger
	phone   CallControl
	buttons <-chan hw.ButtonEvent
	leds    LEDSetter
	relay   Pulser // nil without a relay
	sounds  *Sounds
	player  Player
	door    *DoorCode
	clock   hw.Clock
	events  Publisher
	dnd     *DND
	// profiles are the time profiles, compiled once.
	profiles  profiles
	voicemail Recorder

	// notify tells the service manager (sd_notify); nil = nothing to tell.
	notify func(state string)
	// watchdog is the keep-alive interval the loop must ping at; 0 = none.
	watchdog time.Duration
	// inject is the loop's door: every function sent on it runs on the loop.
	inject chan func()
	// done is closed when the loop stops taking work.
	done chan struct{}
	// reports are the fault reports waiting for the loop (ReportFault).
	reports faultMailbox

	// The loop's own: touched only by functions that run on the loop.
	root       context.Context // Run's: background work lives in it
	bg         sync.WaitGroup  // Add only on the loop, Wait when it ends
	dialCancel context.CancelFunc
	ringCancel context.CancelFunc
	warnTimer  hw.Timer
	hangTimer  hw.Timer
	tidyTimer  hw.Timer
	faults     map[string]string
	opened     int                // door openings
	relayOn    bool               // the relay is energised (as far as the loop pulsed it)
	relayTimer hw.Timer           // ends relayOn
	bell       *doorRing          // the ring at the door in progress, nil when none
	route      *routeRun          // the route being called, nil when none
	lastRoute  *routeRun          // the route called last, for its late attempt events
	msgCancel  context.CancelFunc // stops the voice message being taken
	lastCall   events.Event       // the last call_ended event; Type "" before the first
}

// doorRing is a press of a call button at the door, until its call is
// answered or fails.
type doorRing struct {
	button, target string
}

// New returns the intercom of cfg; it acts once Run runs. cfg must not
// change afterwards.
func New(cfg *config.Config, d Deps) *Intercom {
	door := d.Door
	if door == nil {
		door = newDoorCode(cfg.Door.Code, cfg.Door.LockoutAttempts, cfg.Door.LockoutTime.Duration)
	}
	var pub Publisher = noEvents{}
	if d.Events != nil {
		pub = d.Events
	}
	dnd := d.DND
	if dnd == nil {
		dnd = &DND{}
	}
	valid := d.ClockValid
	if valid == nil {
		valid = schedule.SystemClock().Valid
	}
	return &Intercom{cfg: cfg, log: d.Log, profiles: newProfiles(cfg, valid), voicemail: d.Voicemail, phone: d.Phone, player: d.Player, buttons: d.Buttons,
		leds: d.LEDs, relay: d.Relay, sounds: d.Sounds, clock: d.Clock, door: door, events: pub, dnd: dnd,
		faults: map[string]string{}, inject: make(chan func()), done: make(chan struct{}),
		reports: faultMailbox{ready: make(chan struct{}, 1)}}
}

// SetNotify makes the loop tell the service manager its state and
// watchdog pings (sd_notify lines such as "STATUS=idle"); call it before
// Run.
func (i *Intercom) SetNotify(notify func(state string)) { i.notify = notify }

// SetWatchdog makes the loop ping ("WATCHDOG=1") every d/2; call it before
// Run.
func (i *Intercom) SetWatchdog(d time.Duration) { i.watchdog = d }

// Run handles events and the work handed to it until ctx ends, then stops
// its timers and waits for its goroutines. It can be called once.
func (i *Intercom) Run(ctx context.Context) {
	i.root = ctx
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
		case <-i.reports.ready:
			i.takeReports()
		case <-ctx.Done():
			i.stop()
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
			i.publishButton(be)
			if be.Kind == hw.Press {
				i.log.Info("button pressed", "button", be.Button)
				if err := i.press(ctx, be.Button); err != nil {
					i.log.Warn("button action failed", "button", be.Button, "err", err)
				}
			}
		}
	}
}

// stop refuses further work, stops the timers and the ring and waits for
// the background goroutines.
func (i *Intercom) stop() {
	close(i.done)
	i.stopTimers()
	for _, t := range []hw.Timer{i.tidyTimer, i.relayTimer} {
		if t != nil {
			t.Stop()
		}
	}
	i.stopRing()
	i.stopMessage()
	i.bg.Wait() // nothing adds to bg now: only the loop starts goroutines
}

func (i *Intercom) tell(state string) {
	if i.notify != nil {
		i.notify(state)
	}
}
