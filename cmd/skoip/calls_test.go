package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/events"
	"github.com/skoip/skoip/cmd/skoip/internal/history"
)

// TestCallLog: the event stream of a ring at the door through a group
// (two stages: nobody, then an answer with the door opened) and of an
// incoming call declined here becomes three history entries with their
// direction, target, button, outcome, duration, codec and quality.
func TestCallLog(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	on := true
	evs := []events.Event{
		{Type: events.Doorbell, EventType: events.Ring, Button: "call", Time: at(0)},
		{Type: events.Route, EventType: events.RouteStart, Target: "group:house", Time: at(0)},
		{Type: events.CallState, State: "outgoing", Peer: "sip:10.0.0.5", Time: at(0)},
		{Type: events.CallState, State: "idle", Peer: "sip:10.0.0.5", Time: at(20)},
		{Type: events.CallEnded, Peer: "sip:10.0.0.5", Reason: "cancelled", Code: 487, Time: at(20)},
		{Type: events.CallState, State: "outgoing", Peer: "sip:10.0.0.7", Time: at(20)},
		{Type: events.CallState, State: "connected", Peer: "sip:10.0.0.7", Time: at(23)},
		{Type: events.Relay, Active: &on, By: "door code", Time: at(30)},
		{Type: events.CallEnded, Peer: "sip:10.0.0.7", Reason: "remote hangup", Time: at(40),
			Quality: &events.Quality{DurationS: 17, Codec: "PCMU", RTPRx: 850}},
		{Type: events.Route, EventType: events.RouteAnswered, Target: "group:house", Time: at(40)},
		{Type: events.CallState, State: "incoming", Peer: "sip:pbx", Time: at(60)},
		{Type: events.CallEnded, Peer: "sip:pbx", Reason: "declined", Code: 603, Time: at(62)},
	}
	var l callLog
	var got []history.Entry
	for _, ev := range evs {
		if e := l.take(ev); e != nil {
			got = append(got, *e)
		}
	}
	if len(got) != 3 {
		t.Fatalf("%d entries: %+v", len(got), got)
	}
	want := []struct {
		dir, target, button, outcome string
		start                        time.Time
		dur                          float64
		door                         bool
	}{
		{"outgoing", "group:house", "call", "missed", at(0), 0, false},
		{"outgoing", "group:house", "call", "answered", at(20), 17, true},
		{"incoming", "", "", "declined", at(60), 0, false},
	}
	for i, w := range want {
		e := got[i]
		if e.Direction != w.dir || e.Target != w.target || e.Button != w.button || e.Outcome != w.outcome ||
			!e.Start.Equal(w.start) || e.DurationS != w.dur || e.DoorOpened != w.door {
			t.Errorf("entry %d = %+v, want %+v", i, e, w)
		}
	}
	if got[1].Codec != "PCMU" || len(got[1].Quality) == 0 {
		t.Errorf("the answered call's codec and quality: %+v", got[1])
	}
	// Kept across a restart.
	path := filepath.Join(t.TempDir(), historyFile)
	h, err := history.Open(path, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range got {
		if err := h.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	h2, err := history.Open(path, 2)
	if err != nil || h2.Len() != 2 || h2.List()[1].Outcome != "declined" {
		t.Fatalf("reopened: %v, %+v", err, h2.List())
	}
	a := &app{hist: h2}
	res, err := a.calls(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := res.(struct {
		Calls []history.Entry `json:"calls"`
	}).Calls; len(c) != 2 {
		t.Errorf("ctl calls: %+v", c)
	}
}
