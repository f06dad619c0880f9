package e2e

import (
	"strings"
	"testing"
	"time"
)

// quiet is the config change for tests that do not check audio.
func quiet(over settings) settings {
	s := settings{"audio.backend": q("null"), "audio.capture": "", "audio.playback": ""}
	for k, v := range over {
		s[k] = v
	}
	return s
}

// checkFailed waits until the caller is idle again and its log names the
// SIP response that ended the attempt.
func checkFailed(t *testing.T, caller *node, want string) {
	t.Helper()
	caller.waitState("idle", 30*time.Second)
	caller.waitLog("call failed", 5*time.Second)
	if !caller.logged(want) {
		t.Errorf("%s: the failed call's log does not name %q", caller.name, want)
	}
}

// TestCallOutcomes: busy, decline, no answer, CANCEL while ringing, and a
// caller outside calls.allow, each between two units in namespaces.
func TestCallOutcomes(t *testing.T) {
	t.Parallel()
	lab := newLab(t)

	t.Run("busy", func(t *testing.T) {
		inside := startNode(t, "inside", lab.inside, "", quiet(settings{"calls.auto_answer": "true"}))
		door := startNode(t, "door", lab.door, "", quiet(nil))
		door.mustCtl("call", inside.sip)
		inside.waitState("connected", setupTimeout)
		door.waitState("connected", setupTimeout)
		second := startNode(t, "door2", lab.door, "", quiet(nil))
		second.mustCtl("call", inside.sip)
		checkFailed(t, second, "(486 ")
		for _, n := range []*node{door, inside} {
			if st, _ := n.status(); st.State != "connected" {
				t.Errorf("%s: %s after the second caller, want the first call still connected", n.name, st.State)
			}
		}
	})

	t.Run("decline", func(t *testing.T) {
		inside := startNode(t, "inside", lab.inside, "", quiet(nil))
		door := startNode(t, "door", lab.door, "", quiet(nil))
		dial(t, door, inside)
		inside.mustCtl("hangup")
		checkFailed(t, door, "(603 ")
		inside.waitState("idle", setupTimeout)
	})

	t.Run("no answer", func(t *testing.T) {
		inside := startNode(t, "inside", lab.inside, "", quiet(nil))
		door := startNode(t, "door", lab.door, "", quiet(settings{"calls.ring_timeout": q("5s")}))
		start := time.Now()
		dial(t, door, inside)
		door.waitState("idle", 15*time.Second)
		if d := time.Since(start); d < 4500*time.Millisecond {
			t.Errorf("gave up after %v, before calls.ring_timeout (5s)", d)
		}
		inside.waitState("idle", setupTimeout)
		if !inside.logged("CANCEL sip:") {
			t.Error("the callee never received a CANCEL")
		}
	})

	t.Run("cancel while ringing", func(t *testing.T) {
		inside := startNode(t, "inside", lab.inside, "", quiet(nil))
		door := startNode(t, "door", lab.door, "", quiet(nil))
		dial(t, door, inside)
		door.mustCtl("hangup")
		inside.waitState("idle", setupTimeout)
		door.waitState("idle", setupTimeout)
		if !inside.logged("CANCEL sip:") || !door.logged("SIP/2.0 487") {
			t.Error("no CANCEL answered by 487 in the traces")
		}
	})

	t.Run("caller not allowed", func(t *testing.T) {
		inside := startNode(t, "inside", lab.inside, "", quiet(settings{"calls.allow": `["192.0.2.0/24"]`}))
		door := startNode(t, "door", lab.door, "", quiet(nil))
		door.mustCtl("call", inside.sip)
		rang := false
		// Watch the callee through the whole attempt: it must never ring.
		door.waitFor("idle after the attempt", 20*time.Second, func(s status) bool {
			if st, err := inside.status(); err == nil && st.State != "idle" {
				rang = true
			}
			return s.State == "idle" && strings.Contains(door.logText(), "call failed")
		})
		if rang || strings.Contains(inside.logText(), "incoming call") {
			t.Error("a caller outside calls.allow made the unit ring")
		}
		if !door.logged("(403 ") {
			t.Error("the caller was not told 403")
		}
	})
}

// TestPeerKilledMidCall: the far side dies without a BYE; the near side
// hangs up by itself after media.rtp_timeout (3 s) and is idle.
func TestPeerKilledMidCall(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	inside := startNode(t, "inside", lab.inside, testdata("inside.wav"), settings{"calls.auto_answer": "true"})
	door := startNode(t, "door", lab.door, testdata("door.wav"), nil)
	door.mustCtl("call", inside.sip)
	inside.waitState("connected", setupTimeout)
	door.waitFor("receiving RTP", setupTimeout, func(s status) bool { return s.RTPRx > 25 })
	door.kill()
	killed := time.Now()
	inside.waitState("idle", 15*time.Second)
	d := time.Since(killed)
	t.Logf("idle %v after the peer was killed (media.rtp_timeout 3s)", d.Round(time.Millisecond))
	if d < 2500*time.Millisecond {
		t.Errorf("hung up %v after the peer died, before media.rtp_timeout (3s)", d)
	}
	if st, _ := inside.status(); st.LEDs["call"] != "off" {
		t.Errorf("call LED %q after the timeout, want off", st.LEDs["call"])
	}
}

// countLines counts the lines of log that contain substr.
func countLines(log, substr string) int {
	n := 0
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}
