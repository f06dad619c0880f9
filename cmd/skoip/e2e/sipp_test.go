package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// sipp runs SIPp on h from port with args (the target, -sn/-sf, ...) and
// returns the peer; SIPp exits 0 when every call went as its scenario says.
func sipp(t *testing.T, name string, h host, port int, args ...string) *peer {
	t.Helper()
	dir := t.TempDir()
	// uac_pcap plays pcap/g711a.pcap and pcap/dtmf_2833_1.pcap, relative to the current folder.
	if err := os.Symlink("/usr/share/sip-tester", filepath.Join(dir, "pcap")); err != nil {
		t.Fatal(err)
	}
	all := append([]string{"-i", h.ip, "-p", strconv.Itoa(port), "-nostdin", "-timeout", "40s", "-timeout_error",
		"-trace_err", "-error_file", filepath.Join(dir, "errors.log"), "-mp", strconv.Itoa(port + 2000)}, args...)
	return startPeer(t, name, h.command("sipp", all...), dir)
}

// sippOK waits for SIPp to finish and fails the test unless it exited 0.
func sippOK(t *testing.T, p *peer) {
	t.Helper()
	if err := p.wait(60 * time.Second); err != nil {
		errs, _ := os.ReadFile(filepath.Join(p.cmd.Dir, "errors.log"))
		t.Errorf("%s: %v\n%s", p.name, err, tail(string(errs), 4000))
	}
}

// TestSIPp: SIPp as caller (basic calls, CANCEL, 486, INFO DTMF, RFC 2833
// DTMF from uac_pcap) and as callee.
func TestSIPp(t *testing.T) {
	needTool(t, "sipp", "sip-tester")
	t.Parallel()
	lab := newLab(t)
	scenario := func(name string) string { return testdata(filepath.Join("sipp", name)) }

	t.Run("uac calls", func(t *testing.T) {
		inside := startNode(t, "inside", lab.inside, "", quiet(settings{"calls.auto_answer": "true"}))
		p := sipp(t, "sipp uac", lab.door, peerPort(t, lab.door), "-sn", "uac", inside.sip, "-m", "5", "-r", "5", "-l", "1", "-d", "500")
		sippOK(t, p)
		inside.waitState("idle", setupTimeout)
		if n := countLines(inside.logText(), "to=connected"); n != 5 {
			t.Errorf("%d calls connected, want 5", n)
		}
	})

	t.Run("uas answers", func(t *testing.T) {
		port := peerPort(t, lab.inside)
		p := sipp(t, "sipp uas", lab.inside, port, "-sn", "uas", "-m", "1")
		door := startNode(t, "door", lab.door, testdata("door.wav"), nil)
		// SIPp has no "ready" line: the call is retried until it listens.
		target := fmt.Sprintf("%s:%d", lab.inside.ip, port)
		door.mustCtl("call", target)
		door.waitFor("connected with RTP out", 15*time.Second, func(s status) bool { return s.State == "connected" && s.RTPTx > 10 })
		door.mustCtl("hangup")
		door.waitState("idle", setupTimeout)
		sippOK(t, p)
	})

	t.Run("cancel while ringing", func(t *testing.T) {
		inside := startNode(t, "inside", lab.inside, "", quiet(nil))
		p := sipp(t, "sipp cancel", lab.door, peerPort(t, lab.door), "-sf", scenario("uac_cancel.xml"), inside.sip, "-m", "1")
		sippOK(t, p)
		inside.waitState("idle", setupTimeout)
		if !inside.logged("incoming call") {
			t.Error("the unit never rang")
		}
	})

	t.Run("busy", func(t *testing.T) {
		inside := startNode(t, "inside", lab.inside, "", quiet(settings{"calls.auto_answer": "true"}))
		first := sipp(t, "sipp uac", lab.door, peerPort(t, lab.door), "-sn", "uac", inside.sip, "-m", "1", "-d", "20000")
		inside.waitState("connected", setupTimeout)
		p := sipp(t, "sipp busy", lab.door, peerPort(t, lab.door)+1, "-sf", scenario("uac_busy.xml"), inside.sip, "-m", "1")
		sippOK(t, p)
		if st, _ := inside.status(); st.State != "connected" {
			t.Errorf("first call %s after the 486, want connected", st.State)
		}
		first.stop()
	})

	t.Run("INFO DTMF opens the door", func(t *testing.T) {
		inside := startNode(t, "door", lab.inside, "", quiet(settings{"calls.auto_answer": "true"}))
		p := sipp(t, "sipp info", lab.door, peerPort(t, lab.door), "-sf", scenario("uac_info_dtmf.xml"), inside.sip, "-m", "1")
		sippOK(t, p)
		st := inside.waitFor("door opened", setupTimeout, func(s status) bool { return s.DoorOpened == 1 && s.Relay.Pulses == 1 })
		t.Logf("door opened %d, relay pulses %d", st.DoorOpened, st.Relay.Pulses)
	})

	t.Run("uac_pcap RFC 2833 DTMF opens the door", func(t *testing.T) {
		// uac_pcap plays g711a.pcap (236 PCMA packets), then dtmf_2833_1.pcap: the telephone-event for digit 1.
		door := startNode(t, "door", lab.inside, "", quiet(settings{"calls.auto_answer": "true", "door.code": q("1")}))
		p := sipp(t, "sipp uac_pcap", lab.door, peerPort(t, lab.door), "-sn", "uac_pcap", door.sip, "-m", "1")
		st := door.waitFor("door opened", 30*time.Second, func(s status) bool { return s.DoorOpened == 1 })
		if st.Codec != "PCMA" || st.RTPRx < 230 {
			t.Errorf("codec %q, %d RTP packets received: want PCMA and the 236 packets of g711a.pcap", st.Codec, st.RTPRx)
		}
		sippOK(t, p)
		if n := countLines(door.logText(), "dtmf received"); n != 1 {
			t.Errorf("%d DTMF digits received, want 1", n)
		}
	})
}
