package events

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// drain takes every queued event without waiting.
func drain(t *testing.T, s *Sub) []Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out []Event
	for {
		ev, err := s.Next(ctx)
		if err != nil {
			return out
		}
		out = append(out, ev)
	}
}

// TestSlowSubscriberIsToldWhatItMissed: a full queue drops the newest
// events and counts them; the reader gets one "dropped" notice exactly
// where the gap is (before the next event that fits, or once it has read
// the queue), and seq jumps by the count after it.
func TestSlowSubscriberIsToldWhatItMissed(t *testing.T) {
	b := NewBus(nil)
	s, err := b.Subscribe(4)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for range 10 {
		b.Publish(Event{Type: DTMF, Digit: "1"})
	}
	if s.Dropped() != 6 {
		t.Fatalf("dropped %d, want 6", s.Dropped())
	}
	// The reader takes two, then an event comes: the notice goes in first.
	first, _ := s.Next(context.Background())
	second, _ := s.Next(context.Background())
	b.Publish(Event{Type: Relay})
	got := append([]Event{first, second}, drain(t, s)...)
	seqs := []uint64{1, 2, 3, 4, 0, 11}
	if len(got) != len(seqs) {
		t.Fatalf("got %d events, want %d: %+v", len(got), len(seqs), got)
	}
	for k, want := range seqs {
		if got[k].Seq != want {
			t.Fatalf("event %d: seq %d, want %d (%+v)", k, got[k].Seq, want, got)
		}
	}
	if got[4].Type != Dropped || got[4].Missed != 6 || got[5].Seq-got[3].Seq-1 != got[4].Missed {
		t.Fatalf("notice %+v between seq %d and %d", got[4], got[3].Seq, got[5].Seq)
	}
	// A gap at the end is told once the queue is read, without waiting
	// for another event.
	for range 7 {
		b.Publish(Event{Type: DTMF})
	}
	got = drain(t, s)
	if len(got) != 5 || got[3].Seq != 15 || got[4].Type != Dropped || got[4].Missed != 3 {
		t.Fatalf("gap at the end: %+v, want seq 12-15 then the notice of 3", got)
	}
	b.Publish(Event{Type: DTMF})
	if got = drain(t, s); len(got) != 1 || got[0].Seq != 19 {
		t.Fatalf("after the told gap: %+v, want seq 19 alone", got)
	}
}

// TestPublishNeverWaits: a subscriber that never reads does not slow the
// publisher, nor keep another subscriber from its events; memory stays
// within the queue.
func TestPublishNeverWaits(t *testing.T) {
	b := NewBus(nil)
	stuck, _ := b.Subscribe(8)
	defer stuck.Close()
	live, _ := b.Subscribe(20_000)
	defer live.Close()
	for range 20_000 {
		b.Publish(Event{Type: ButtonPress, Button: "call"})
	}
	if n := len(drain(t, live)); n != 20_000 {
		t.Fatalf("the reading subscriber got %d of 100000", n)
	}
	stuck.mu.Lock()
	queued := len(stuck.queue)
	stuck.mu.Unlock()
	if queued != 8 || stuck.Dropped() != 20_000-8 {
		t.Fatalf("stuck subscriber: %d queued, %d dropped", queued, stuck.Dropped())
	}
}

func TestSubscribersAreBounded(t *testing.T) {
	b := NewBus(nil)
	var subs []*Sub
	for range MaxSubscribers {
		s, err := b.Subscribe(2)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, s)
	}
	if _, err := b.Subscribe(2); !errors.Is(err, ErrTooMany) {
		t.Fatalf("subscriber %d: %v, want ErrTooMany", MaxSubscribers+1, err)
	}
	subs[0].Close()
	if _, err := b.Subscribe(2); err != nil {
		t.Fatalf("after one closed: %v", err)
	}
}

// TestCloseWakesNext: a reader waiting in Next returns ErrClosed.
func TestCloseWakesNext(t *testing.T) {
	b := NewBus(nil)
	s, _ := b.Subscribe(2)
	done := make(chan error, 1)
	go func() { _, err := s.Next(context.Background()); done <- err }()
	s.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Next after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Next still waiting after Close")
	}
}

// TestStreamWritesJSONLines: the first line says the subscription is in
// place; each event is one JSON object on its own line, with its seq and
// UTC time; false booleans are written.
func TestStreamWritesJSONLines(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 15, 3, 120_000_000, time.FixedZone("CET", 3600))
	b := NewBus(func() time.Time { return at })
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Stream(ctx, pw); pw.Close() }()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() || sc.Text() != `{"time":"2026-12-07T09:15:03.12Z","type":"subscribed"}` {
		t.Fatalf("first line %q", sc.Text())
	}
	b.Publish(Event{Type: Registration, Registered: Bool(false), Reason: "timeout"})
	if !sc.Scan() {
		t.Fatal(sc.Err())
	}
	want := `{"seq":1,"time":"2026-12-07T09:15:03.12Z","type":"registration","reason":"timeout","registered":false}`
	if sc.Text() != want {
		t.Fatalf("event line\n got %s\nwant %s", sc.Text(), want)
	}
	var ev Event
	if err := json.NewDecoder(bytes.NewReader(sc.Bytes())).Decode(&ev); err != nil || ev.Registered == nil || *ev.Registered {
		t.Fatalf("does not read back: %v %+v", err, ev)
	}
	cancel()
	go io.Copy(io.Discard, pr)
	if err := <-done; err != nil {
		t.Fatalf("Stream after cancel: %v", err)
	}
}
