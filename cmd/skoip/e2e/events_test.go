package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/control"
)

// streamEvent is the part of a `ctl events` line this test reads.
type streamEvent struct {
	Seq    uint64 `json:"seq"`
	Type   string `json:"type"`
	Missed uint64 `json:"missed"`
}

// TestEventsReaderStallsTenSeconds: during a call, a `ctl events` reader
// stops reading for 10 s while thousands of events happen (the microphone
// muted and unmuted as fast as the socket takes it). The call's audio keeps
// time (device periods and RTP packets at 50 a second), the LEDs and status
// answer, and when the reader reads again it is told how many it missed.
func TestEventsReaderStallsTenSeconds(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	inside := startNode(t, "inside", lab.inside, testdata("inside.wav"), settings{"calls.auto_answer": "true"})
	door := startNode(t, "door", lab.door, testdata("door.wav"), nil)
	door.mustCtl("call", inside.sip)
	door.waitState("connected", setupTimeout)

	conn, err := net.Dial("unix", door.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "events\n")
	br := bufio.NewReader(conn)
	if line, err := br.ReadString('\n'); err != nil || !strings.Contains(line, "subscribed") {
		t.Fatalf("first line %q %v", line, err)
	}

	s0 := mediaOf(t, door)
	start := time.Now()
	toggles := 0
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for time.Since(start) < 10*time.Second {
		cmd := "mute"
		if toggles%2 == 1 {
			cmd = "unmute"
		}
		if _, err := control.Request(ctx, door.sock, cmd); err != nil {
			t.Fatal(err)
		}
		toggles++
		time.Sleep(time.Millisecond)
	}
	s1 := mediaOf(t, door)
	elapsed := time.Since(start)
	frames := float64(elapsed / nodePeriod)
	periods, rx := float64(s1.Audio.Periods-s0.Audio.Periods), float64(s1.RTPRx-s0.RTPRx)
	t.Logf("%v stalled: %d mute toggles, %.0f device periods and %.0f RTP packets in (%.0f expected)",
		elapsed.Round(time.Millisecond), toggles, periods, rx, frames)
	if periods < 0.9*frames || rx < 0.9*frames {
		t.Errorf("the call lost time while the reader stalled: %.0f periods, %.0f packets, want about %.0f", periods, rx, frames)
	}
	if s1.State != "connected" || s1.LEDs["call"] != "on" || s1.Audio.Underruns != s0.Audio.Underruns {
		t.Errorf("after the stall: state %s, call LED %q, %d new underruns", s1.State, s1.LEDs["call"], s1.Audio.Underruns-s0.Audio.Underruns)
	}

	// Reading again: what was queued, the notice of the gap, then a
	// last event.
	var received, missed uint64
	first, last := uint64(0), uint64(0)
	sc := bufio.NewScanner(br)
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	for sc.Scan() {
		var ev streamEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if ev.Type == "dropped" {
			missed += ev.Missed
			door.mustCtl("dnd", "on") // the last event
			continue
		}
		if first == 0 {
			first = ev.Seq
		}
		last = ev.Seq
		received++
		if ev.Type == "dnd" {
			break
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("reader told %d missed; received %d (seq %d..%d)", missed, received, first, last)
	if missed == 0 || received+missed != last-first+1 {
		t.Fatalf("received %d + missed %d != seq %d..%d", received, missed, first, last)
	}
}
