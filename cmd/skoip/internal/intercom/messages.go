package intercom

import (
	"context"
	"errors"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// Recorder records a voice message from the door's microphone until the
// visitor stops talking, the longest message, or ctx ends; it returns the
// message's id and length. ErrNoMessage: nothing was said (nothing kept).
type Recorder interface {
	Record(ctx context.Context) (id string, length time.Duration, err error)
}

// ErrNoMessage is a Recorder's error when the visitor said nothing.
var ErrNoMessage = errors.New("no message: nothing was said")

// takeMessage runs after a ring at the door that nobody answered: the
// no-answer prompt, the leave-a-message prompt, then the recording. A new
// press, a call, or the end of the run stop it (stopMessage).
func (i *Intercom) takeMessage(ctx context.Context, button string) {
	i.stopMessage()
	mctx, cancel := context.WithCancel(ctx)
	i.msgCancel = cancel
	i.log.Info("nobody answered: recording a voice message", "button", button)
	i.goBackground(func() {
		defer cancel()
		for _, p := range []*media.Prompt{i.sounds.NoAnswer, i.sounds.LeaveMessage} {
			if err := i.player.Play(mctx, p, media.ToLocal); err != nil {
				if mctx.Err() == nil {
					i.log.Warn("voice message prompt", "prompt", p.Name(), "err", err)
				}
				return
			}
		}
		id, length, err := i.voicemail.Record(mctx)
		i.post(func() { i.messageTaken(button, id, length, err) })
	})
}

// messageTaken publishes a recorded message, or why there is none; a
// storage failure is a fault of "voicemail" (the calls go on).
func (i *Intercom) messageTaken(button, id string, length time.Duration, err error) {
	switch {
	case err == nil:
		i.log.Info("voice message recorded", "message", id, "length", length.Round(10*time.Millisecond))
		i.events.Publish(events.Event{Type: events.Message, Button: button, Message: id, DurationS: length.Seconds()})
		i.setFault("voicemail", nil)
	case errors.Is(err, ErrNoMessage), errors.Is(err, context.Canceled):
		i.log.Info("no voice message", "why", err)
	default:
		i.events.Publish(events.Event{Type: events.Message, Button: button, Error: err.Error()})
		i.setFault("voicemail", err)
	}
}

// stopMessage ends a voice message being taken.
func (i *Intercom) stopMessage() {
	if i.msgCancel != nil {
		i.msgCancel()
		i.msgCancel = nil
	}
}

// wantsMessage reports whether a ring at the door that ended with err
// should end with a voice message: it was not cancelled here.
func (i *Intercom) wantsMessage(err error) bool {
	return i.voicemail != nil && !errors.Is(err, phone.ErrCancelled) && !errors.Is(err, phone.ErrCallInProgress) &&
		!errors.Is(err, phone.ErrNotRunning)
}
