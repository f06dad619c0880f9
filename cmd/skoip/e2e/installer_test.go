package e2e

import (
	"bufio"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestInstallerTools: on a running unit, `ctl selftest` is refused during
// a call and afterwards reports the inside unit reachable with its round
// trip; `ctl calls` holds the call that was made (answered, with its
// duration and codec) and keeps it across a restart; `ctl levels` streams
// the microphone's level (door.wav) ten times a second.
func TestInstallerTools(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	inside := startNode(t, "inside", lab.inside, testdata("inside.wav"), settings{"calls.auto_answer": "true"})
	door := startNode(t, "door", lab.door, testdata("door.wav"), settings{"peer.address": q(inside.sip)})
	door.mustCtl("call")
	door.waitState("connected", setupTimeout)
	if out, err := door.ctl("selftest"); err == nil || !strings.Contains(out, "idle intercom") {
		t.Errorf("selftest during a call: %v %s", err, out)
	}
	time.Sleep(1500 * time.Millisecond)
	door.mustCtl("hangup")
	door.waitState("idle", setupTimeout)

	out, err := door.ctl("selftest")
	if err != nil {
		t.Fatalf("selftest: %v %s", err, out)
	}
	var rep struct {
		OK     bool `json:"ok"`
		Checks []struct {
			Name   string  `json:"name"`
			OK     bool    `json:"ok"`
			RTTMS  float64 `json:"rtt_ms"`
			Detail string  `json:"detail"`
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("selftest reply %q: %v", out, err)
	}
	found := false
	for _, c := range rep.Checks {
		if c.Name == "target:"+inside.sip {
			found = true
			if !c.OK || c.RTTMS <= 0 || c.RTTMS > 500 {
				t.Errorf("the inside unit's check: %+v", c)
			}
			t.Logf("inside unit answers OPTIONS in %.2f ms", c.RTTMS)
		}
		if c.Name == "speaker" && c.OK {
			// The file backend's microphone is door.wav: it never hears the speaker.
			t.Errorf("the speaker passed with a microphone that cannot hear it: %+v", c)
		}
	}
	if !found || rep.OK {
		t.Errorf("report: %s", out)
	}

	calls := func(n *node) []map[string]any {
		out, err := n.ctl("calls", "--json")
		if err != nil {
			t.Fatalf("calls: %v %s", err, out)
		}
		var r struct {
			Calls []map[string]any `json:"calls"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("calls reply %q: %v", out, err)
		}
		return r.Calls
	}
	check := func(c []map[string]any) {
		t.Helper()
		if len(c) != 1 || c[0]["direction"] != "outgoing" || c[0]["outcome"] != "answered" ||
			c[0]["codec"] != "opus" || c[0]["duration_s"].(float64) < 1 {
			t.Errorf("door's history: %+v", c)
		}
	}
	check(calls(door))
	if out, err := door.ctl("calls"); err != nil || !strings.Contains(out, "DIRECTION") || !strings.Contains(out, "answered") {
		t.Errorf("calls as a table: %v\n%s", err, out)
	}
	if c := calls(inside); len(c) != 1 || c[0]["direction"] != "incoming" {
		t.Errorf("inside's history: %+v", c)
	}

	cmd := exec.Command(skoipBin, "ctl", "--socket", door.sock, "--timeout", "1s", "levels")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	lines, loud := 0, 0
	for sc.Scan() {
		var lv struct {
			Seq uint64  `json:"seq"`
			Mic float64 `json:"mic_rms_dbfs"`
		}
		if err := json.Unmarshal(sc.Bytes(), &lv); err != nil {
			t.Fatalf("levels line %q: %v", sc.Text(), err)
		}
		lines++
		if lv.Mic > -60 {
			loud++
		}
	}
	_ = cmd.Wait()
	if lines < 6 || lines > 12 || loud == 0 {
		t.Errorf("levels: %d lines in 1 s (%d with the talker), want about 10", lines, loud)
	}

	door.stop()
	again := startNode(t, "door2", lab.door, testdata("door.wav"), settings{"state.dir": q(door.dir + "/state"),
		"selftest.at_boot": "true", "peer.address": q(inside.sip)})
	check(calls(again))
	// At boot the self-test writes each check to the journal.
	again.waitLog("self-test at boot", 20*time.Second)
	for _, want := range []string{"check=speaker", "check=target:" + inside.sip, "check=clock"} {
		if !again.logged(want) {
			t.Errorf("the boot self-test's log lacks %q", want)
		}
	}
}
