package events

import (
	"context"
	"encoding/json"
	"io"
)

// Subscribed is the first line of a stream: the subscription is in place
// and every event from here on is in the stream (or counted as dropped).
const Subscribed Type = "subscribed"

// StreamQueue is the queue of a stream's subscription: about 60 KB of
// events at most (with the kernel's buffer of the connection in front of
// it), about 30 s of a busy call (digits, buttons, states).
const StreamQueue = 256

// Stream writes the bus's events to w as JSON lines, a Subscribed line
// first, until ctx ends (nil) or a write fails. It is what `skoip ctl
// events` prints.
func (b *Bus) Stream(ctx context.Context, w io.Writer) error {
	sub, err := b.Subscribe(StreamQueue)
	if err != nil {
		return err
	}
	defer sub.Close()
	if err := writeLine(w, Event{Type: Subscribed, Time: b.now().UTC()}); err != nil {
		return err
	}
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if err := writeLine(w, ev); err != nil {
			return err
		}
	}
}

func writeLine(w io.Writer, ev Event) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
