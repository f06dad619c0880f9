package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/cmd/skoip/internal/history"
)

// historyFile is the call history's file in the state folder.
const historyFile = "calls.jsonl"

// openHistory opens the call history in the state folder; nil (logged
// by the caller) without a state folder or when it cannot be read.
func openHistory(stateDir string, max int) (*history.History, error) {
	if stateDir == "" {
		return nil, errors.New("no state folder: the call history is not kept")
	}
	return history.Open(filepath.Join(stateDir, historyFile), max)
}

// callLog turns the event stream into call history entries: a call starts
// with the call state leaving idle and ends with its call_ended; the ring
// at the door (button), the route's target and a door opened during the
// call are noted on the way.
type callLog struct {
	cur    *history.Entry // the call in progress
	button string         // the last ring at the door, until its call starts
	target string         // the route being called
}

// take feeds one event; it returns a finished entry, or nil.
func (l *callLog) take(ev events.Event) *history.Entry {
	switch ev.Type {
	case events.Doorbell:
		if ev.EventType == events.Ring {
			l.button = ev.Button
		}
	case events.Route:
		switch ev.EventType {
		case events.RouteStart:
			l.target = ev.Target
		case events.RouteAnswered, events.RouteUnanswered:
			l.target = ""
		}
	case events.CallState:
		if l.cur == nil && (ev.State == "outgoing" || ev.State == "incoming") {
			e := history.Entry{Start: ev.Time.UTC(), Direction: ev.State, Peer: ev.Peer}
			if ev.State == "outgoing" {
				e.Target, e.Button = l.target, l.button
			}
			l.cur = &e
		}
	case events.Relay:
		if l.cur != nil && ev.Active != nil && *ev.Active {
			l.cur.DoorOpened = true
		}
	case events.CallEnded:
		e := l.cur
		l.cur = nil
		if e == nil {
			return nil
		}
		if l.target == "" {
			l.button = "" // the route (or the call) is over
		}
		e.Peer, e.Reason, e.Code = ev.Peer, ev.Reason, ev.Code
		e.Outcome = outcomeOf(ev)
		if q := ev.Quality; q != nil {
			e.DurationS, e.Codec = q.DurationS, q.Codec
			if b, err := json.Marshal(q); err == nil {
				e.Quality = b
			}
		}
		return e
	}
	return nil
}

// outcomeOf names how a call ended: answered (it was connected), busy,
// declined, missed (nobody answered, or it was cancelled), failed.
func outcomeOf(ev events.Event) string {
	switch {
	case ev.Quality != nil:
		return "answered"
	case ev.Code == 486 || ev.Code == 600:
		return "busy"
	case ev.Code == 603:
		return "declined"
	case ev.Code == 487 || ev.Code == 480 || ev.Code == 408 || strings.Contains(ev.Reason, "cancel") ||
		strings.Contains(ev.Reason, "hung up") || strings.Contains(ev.Reason, "hangup"):
		return "missed"
	}
	return "failed"
}

// recordCalls keeps the call history from the event stream until ctx ends.
func (a *app) recordCalls(ctx context.Context) {
	sub, err := a.bus.Subscribe(256)
	if err != nil {
		a.log.Warn("call history: not kept", "err", err)
		return
	}
	defer sub.Close()
	var l callLog
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			return
		}
		if e := l.take(ev); e != nil {
			if err := a.hist.Add(*e); err != nil {
				a.log.Warn("call history: not written", "err", err)
			}
		}
	}
}

// calls runs `ctl calls`: {"calls": [...]} oldest first.
func (a *app) calls(context.Context, []string) (any, error) {
	if a.hist == nil {
		return nil, errors.New("no call history: there is no state folder (state.dir)")
	}
	list := a.hist.List()
	if list == nil {
		list = []history.Entry{}
	}
	return struct {
		Calls []history.Entry `json:"calls"`
	}{list}, nil
}

// levelsStream is `ctl levels`: a JSON line of media.Levels every 100 ms.
type levelsStream struct{ a *app }

func (s levelsStream) Stream(ctx context.Context, w io.Writer) error {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	var last uint64
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		lv := s.a.eng.Levels()
		if lv.Seq == last {
			continue
		}
		last = lv.Seq
		b, err := json.Marshal(lv)
		if err != nil {
			return err
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return err
		}
	}
}
