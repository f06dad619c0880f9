// Package intercom is the door intercom's behaviour: what a button press,
// a phone event, a DTMF digit, a timer or a device fault does to calls,
// prompts, LEDs and the door relay.
//
//	call button           dial the button's target (else peer.address); the doorbell
//	                      loops on the local speaker while it rings; after a failure the
//	                      busy prompt (busy, declined, other errors) or the no-answer
//	                      prompt (timeout, unavailable, cancelled) plays locally. Events:
//	                      doorbell "ring", then "answered" or "missed"
//	ring group            a target "group:NAME" is called along config.Route's stages:
//	                      each stage's destinations ring at once (phone.DialAll) for its
//	                      ring time; a stage nobody answers (busy, declined, unreachable,
//	                      timeout) starts the next; a hang-up, a shutdown or an incoming
//	                      call stops the route. The doorbell goes on between stages.
//	                      Events: route start/stage/answered/unanswered, an attempt per
//	                      destination; Snapshot.Route while it rings
//	time profile          a button with a profile calls the target of the rule that covers
//	                      the press ("dnd": do-not-disturb) in device.timezone, its own
//	                      target outside the rules or while the clock is not trusted
//	voice message         with Deps.Voicemail, a ring at the door that nobody answered
//	                      (not one cancelled here) plays the no-answer and leave-a-message
//	                      prompts and records the door microphone; a message event, or the
//	                      "voicemail" fault when it cannot be stored. A press or a call
//	                      stops it
//	do-not-disturb        (SetDND, kept in dnd.json in the state folder) the call button
//	                      calls calls.dnd_target instead, or nobody: the do-not-disturb
//	                      prompt plays locally, and the ring is "missed"
//	answer / hangup       answer the ringing call / end the call (a dial in progress is
//	                      cancelled)
//	toggle                idle: call; ringing: answer; otherwise: hang up
//	open button           send door.code as DTMF (the inside unit's opener)
//	incoming call         the ringtone loops on the local speaker until answered or ended
//	door code received    the relay pulses door.pulse, the door LEDs light as long, the
//	                      door-open prompt plays to both sides; with
//	                      door.hangup_after_open the call ends that long after
//	OpenDoor (local)      the same without a code, for `ctl door open` and MQTT, by whom
//	                      it says; refused during a lockout with door.lockout_local
//	wrong door codes      door.lockout_attempts wrong codes in a row ignore codes for
//	                      door.lockout_time; the count and the lockout are kept in
//	                      door-lockout.json in the state folder and survive a restart
//	connected call        with calls.max_duration, the warning prompt plays to both sides
//	                      15 s before it ends (at half of it when that is later)
//	call ended            40 s later (SIP keeps a transaction 32 s) memory goes back to
//	                      the system
//	LEDs                  "call": off idle, fast blink ringing, on connected; "status":
//	                      heartbeat, error while a fault (audio device, registration)
//	                      lasts; "door": follows the relay
//
// Rules:
//   - One owner. Intercom.Run's loop is the only goroutine that touches the
//     intercom's state (timers, the dial's cancel, faults, the door code,
//     the count of door openings) and drives the LEDs, the relay and the
//     prompts. Every exported method hands its work to the loop through
//     one channel and waits for the answer within its ctx; timers and the
//     dial's goroutine post their follow-up to the loop the same way.
//     ReportFault, called from a device's goroutine, never waits: it
//     leaves the report in a mailbox of 16 that the loop empties. The
//     intercom's state has no lock: only the loop touches it.
//   - Every goroutine has an owner. Dials and prompts run in goroutines
//     that only the loop starts, only while Run's ctx lasts, and that Run
//     waits for before it returns; work handed to a stopped loop is
//     refused (ErrStopped) or dropped, never left waiting.
//   - Errors are logged, never dropped: a failed call, a hang-up after the
//     door opened, an LED or the relay.
//   - What is known at once to fail (no such button, no target or a bad
//     one, a call in progress, no door code) is the answer of Call, Press
//     and CheckPress; what fails later (busy, no answer) is only logged.
//   - Every change is an event (package events) that the loop publishes
//     through Deps.Events, which never waits: buttons, the phone's events
//     (state, ringing, DTMF, the end with the call's quality,
//     registration), door codes, lockouts, the relay on and off, faults,
//     do-not-disturb.
//   - The intercom talks to hardware and the phone through the small
//     interfaces of intercom.go (CallControl, Player, LEDSetter, Pulser);
//     intercomtest has fakes of the phone and the player, hw/hwtest those
//     of the LEDs, relay, buttons and clock. Time comes from an hw.Clock.
package intercom
