package e2e

import (
	"fmt"
	"testing"
	"time"
)

// soakCalls is how many calls TestManyCalls makes in a row.
const soakCalls = 200

// TestManyCalls makes 200 calls in a row between two units (auto-answer,
// RTP both ways, hung up by each side in turn): all succeed, and each
// unit's goroutines, open files and RSS come back to their baseline.
func TestManyCalls(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	inside := startNode(t, "inside", lab.inside, "", quiet(settings{"calls.auto_answer": "true", "log.level": q("info")}))
	door := startNode(t, "door", lab.door, "", quiet(settings{"log.level": q("info")}))
	call := func(i int) {
		t.Helper()
		door.mustCtl("call", inside.sip)
		inside.waitFor(fmt.Sprintf("call %d receiving RTP", i), setupTimeout, func(s status) bool { return s.State == "connected" && s.RTPRx > 0 })
		door.waitFor(fmt.Sprintf("call %d receiving RTP", i), setupTimeout, func(s status) bool { return s.State == "connected" && s.RTPRx > 0 })
		if i%2 == 0 {
			door.mustCtl("hangup")
		} else {
			inside.mustCtl("hangup")
		}
		door.waitState("idle", setupTimeout)
		inside.waitState("idle", setupTimeout)
	}
	call(-1) // warm up: the first call allocates what later calls reuse
	base := map[*node]status{}
	baseProc := map[*node]procInfo{}
	for _, n := range []*node{door, inside} {
		st, err := n.status()
		if err != nil {
			t.Fatal(err)
		}
		base[n] = st
		baseProc[n], _ = readProcInfo(n.cmd.Process.Pid)
		t.Logf("%s baseline: goroutines %d, fds %d, rss %.1f MB", n.name, st.Goroutines, st.FDs, float64(st.RSS)/(1<<20))
	}
	start := time.Now()
	for i := range soakCalls {
		call(i)
	}
	t.Logf("%d calls in %v (%v per call)", soakCalls, time.Since(start).Round(time.Millisecond), (time.Since(start) / soakCalls).Round(time.Millisecond))
	const rssSlack = 4 << 20
	for _, n := range []*node{door, inside} {
		b := base[n]
		// Goroutines of the last call (RTCP BYE, transaction timers) wind down
		// on their own, and SIP transactions keep each call's messages for
		// 32 s: skoip returns that memory 40 s after the last call.
		end := n.waitFor("back at its baseline", 60*time.Second, func(s status) bool {
			return s.Goroutines <= b.Goroutines && s.FDs <= b.FDs && s.RSS <= b.RSS+rssSlack
		})
		t.Logf("%s: goroutines %d -> %d, fds %d -> %d, rss %.1f -> %.1f MB", n.name, b.Goroutines, end.Goroutines,
			b.FDs, end.FDs, float64(b.RSS)/(1<<20), float64(end.RSS)/(1<<20))
		if p, err := readProcInfo(n.cmd.Process.Pid); err == nil {
			t.Logf("%s: %v -> %v", n.name, baseProc[n], p)
		}
		if end.RSS > b.RSS+rssSlack {
			t.Errorf("%s: RSS grew from %d to %d bytes over %d calls (slack %d)", n.name, b.RSS, end.RSS, soakCalls, rssSlack)
		}
	}
	if n := countLines(door.logText(), "call failed"); n != 0 {
		t.Errorf("%d calls failed", n)
	}
}
