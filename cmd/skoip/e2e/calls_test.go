package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clean is the audio quality of a call over an unimpaired link.
var clean = quality{median: 0.8, good: 0.6}

const (
	setupTimeout = 10 * time.Second
	// nodePeriod is the audio period of the test nodes (defaults), the
	// shipped default; samplesPer is its length at their 8 kHz.
	nodePeriod = 20 * time.Millisecond
	samplesPer = int(8000 * nodePeriod / time.Second)
)

// dial makes from call to.sip and waits until to rings.
func dial(t *testing.T, from, to *node) {
	t.Helper()
	from.mustCtl("call", to.sip)
	from.waitState("outgoing", setupTimeout)
	to.waitState("incoming", setupTimeout)
}

// answerCall answers on to and waits until both sides are connected.
func answerCall(t *testing.T, from, to *node) {
	t.Helper()
	to.mustCtl("answer")
	to.waitState("connected", setupTimeout)
	from.waitState("connected", setupTimeout)
}

// talk lets a connected call run for d of call time, and returns the
// playback sample ranges [start, end) of each side that hold the far
// side's speech (after 1 s for the playout buffer to settle).
func talk(t *testing.T, a, b *node, d time.Duration) (ra, rb [2]int) {
	t.Helper()
	a0, _ := a.status()
	b0, _ := b.status()
	a.waitFor("talking", d+10*time.Second, func(s status) bool {
		return s.State == "connected" && s.DurationS >= d.Seconds()
	})
	a1, _ := a.status()
	b1, _ := b.status()
	settle := 1000 * 8
	return [2]int{int(a0.Audio.Periods)*samplesPer + settle, int(a1.Audio.Periods) * samplesPer},
		[2]int{int(b0.Audio.Periods)*samplesPer + settle, int(b1.Audio.Periods) * samplesPer}
}

// TestCallTalkOpenHangup is the whole intercom: the door unit calls, the
// inside unit rings and is answered, each hears the other (and not itself),
// the inside's open button opens the door, and either side hangs up.
func TestCallTalkOpenHangup(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	door := startNode(t, "door", lab.door, testdata("door.wav"), nil)
	inside := startNode(t, "inside", lab.inside, testdata("inside.wav"), nil)

	dial(t, door, inside)
	if st, _ := inside.status(); st.LEDs["call"] != "fast-blink" {
		t.Errorf("inside call LED while ringing: %q, want fast-blink", st.LEDs["call"])
	}
	answerCall(t, door, inside)
	for _, n := range []*node{door, inside} {
		if st, _ := n.status(); st.Codec != "opus" || st.LEDs["call"] != "on" {
			t.Errorf("%s connected: codec %q call LED %q, want opus (the default's first) and on", n.name, st.Codec, st.LEDs["call"])
		}
	}
	doorSpan, insideSpan := talk(t, door, inside, 6*time.Second)
	// A clean link: status shows nothing lost and a playout buffer near its floor.
	for _, n := range []*node{door, inside} {
		if st := mediaOf(t, n); st.Media.Lost != 0 || st.Media.PlayoutDelayMS > 120 {
			t.Errorf("%s: %d lost, playout delay %.1f ms on a clean link", n.name, st.Media.Lost, st.Media.PlayoutDelayMS)
		}
	}

	// The inside unit's open button sends the door code; the door unit's relay pulses.
	inside.mustCtl("open")
	door.waitFor("door opened", 10*time.Second, func(s status) bool {
		return s.DoorOpened == 1 && s.Relay != nil && s.Relay.Pulses == 1
	})
	if st, _ := inside.status(); st.DoorOpened != 0 || st.Relay.Pulses != 0 {
		t.Errorf("inside unit opened its own door: %+v", st)
	}

	// The inside hangs up: both idle.
	inside.mustCtl("hangup")
	inside.waitState("idle", setupTimeout)
	door.waitState("idle", setupTimeout)

	// A second call that the door side hangs up; `ctl dtmf` with the code opens again.
	dial(t, door, inside)
	answerCall(t, door, inside)
	inside.mustCtl("dtmf", "1234")
	door.waitFor("door opened twice", 10*time.Second, func(s status) bool { return s.DoorOpened == 2 })
	door.mustCtl("hangup")
	door.waitState("idle", setupTimeout)
	inside.waitState("idle", setupTimeout)

	stopNodes(t, door, inside)
	checkHears(t, door, doorSpan, testdata("inside.wav"), testdata("door.wav"), clean)
	checkHears(t, inside, insideSpan, testdata("door.wav"), testdata("inside.wav"), clean)
}

// quality is what checkHears asks of a recording: the median correlation
// of its 200 ms windows with the far side's source, and the fraction of
// windows that match it well (>= goodCorr).
type quality struct{ median, good float64 }

// checkHears reads n's recorded playback in span and checks that it matches
// the far side's source as well as want, and not n's own source.
func checkHears(t *testing.T, n *node, span [2]int, far, own string, want quality) (hear, self match) {
	t.Helper()
	rec := mustReadWAV(t, n.play)
	if span[1] > len(rec) {
		span[1] = len(rec)
	}
	if span[1]-span[0] < 8000 {
		t.Fatalf("%s: only %d samples recorded in the call", n.name, span[1]-span[0])
	}
	farSrc, ownSrc := mustReadWAV(t, far), mustReadWAV(t, own)
	seg := rec[span[0]:span[1]]
	if dir := os.Getenv("SKOIP_E2E_KEEP"); dir != "" {
		keep := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+"-"+n.name+".wav")
		if err := writeWAV(keep, 8000, seg); err != nil {
			t.Log(err)
		}
	}
	hear = correlate(seg, farSrc, 1600, 30)
	self = correlate(seg, ownSrc, 1600, 30)
	t.Logf("%s hears the far side: %v", n.name, hear)
	t.Logf("%s vs its own source: %v", n.name, self)
	if hear.Windows < 10 || hear.Median < want.median || hear.Good < want.good {
		t.Errorf("%s does not hear the far side: %v, want median >= %.2f and >= %.0f%% good windows over >= 10 windows",
			n.name, hear, want.median, 100*want.good)
	}
	if self.Good > 0.05 || self.Median > hear.Median-0.1 {
		t.Errorf("%s hears itself: %v, want at most 5%% good windows and a median well below %.3f", n.name, self, hear.Median)
	}
	return hear, self
}
