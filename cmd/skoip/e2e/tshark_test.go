package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rtpPkt is one RTP packet as tshark decoded it.
type rtpPkt struct {
	src    string
	ssrc   string
	seq    int
	ts     uint32
	marker bool
	pt     int
}

// tsharkFields runs tshark on a capture and returns the rows of fields.
func tsharkFields(t *testing.T, capture string, decode []string, filter string, fields ...string) [][]string {
	t.Helper()
	args := []string{"-r", capture, "-o", "rtp.heuristic_rtp:TRUE", "-o", "rtcp.heuristic_rtcp:TRUE"}
	for _, d := range decode {
		args = append(args, "-d", d)
	}
	args = append(args, "-Y", filter, "-T", "fields", "-E", "separator=|")
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	out, err := exec.Command("tshark", args...).Output()
	if err != nil {
		t.Fatalf("tshark %s: %v", strings.Join(args, " "), err)
	}
	var rows [][]string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			rows = append(rows, strings.Split(l, "|"))
		}
	}
	return rows
}

// TestCapturedCall captures a call on the door unit's link with tshark and
// checks the wire: the SIP flow INVITE, 100, 180, 200, ACK, BYE, 200, RTP without loss or
// sequence errors, marker bits only at talkspurt starts (the door side runs
// VAD, so it has talkspurts), and RTCP reports every ~5 s from each side.
func TestCapturedCall(t *testing.T) {
	needTool(t, "tshark", "tshark")
	t.Parallel()
	lab := newLab(t)
	if !lab.netns {
		t.Skip("needs network namespaces: the capture is taken on the door unit's own link")
	}
	// G.711: the capture's audio is decoded and its talkspurts counted in 8000 Hz units.
	door := startNode(t, "door", lab.door, testdata("door.wav"), settings{"vad.enabled": "true", "media.codecs": g711})
	inside := startNode(t, "inside", lab.inside, testdata("inside.wav"), settings{"media.codecs": g711})
	capture := filepath.Join(t.TempDir(), "call.pcapng")
	ts := startPeer(t, "tshark", lab.door.command("tshark", "-l", "-P", "-i", "any", "-w", capture), t.TempDir())
	ts.waitOutput("Capturing on", 20*time.Second)
	// "Capturing on" comes a little before packets are: wait until a probe is seen.
	probe := lab.door.command("bash", "-c", "echo probe >/dev/udp/"+lab.inside.ip+"/9")
	if out, err := probe.CombinedOutput(); err != nil {
		t.Fatalf("probe: %v\n%s", err, out)
	}
	ts.waitOutput(lab.inside.ip, 10*time.Second)

	dial(t, door, inside)
	answerCall(t, door, inside)
	talk(t, door, inside, 12*time.Second)
	door.mustCtl("hangup")
	door.waitState("idle", setupTimeout)
	inside.waitState("idle", setupTimeout)
	// The BYE's 200 OK reaches the capture (-P prints each packet as it is written).
	ts.waitOutput("200 OK (BYE)", setupTimeout)
	ts.stop()
	if dir := os.Getenv("SKOIP_E2E_KEEP"); dir != "" {
		if b, err := os.ReadFile(capture); err == nil {
			os.WriteFile(filepath.Join(dir, "call.pcapng"), b, 0o644)
		}
	}

	var decode []string
	for _, n := range []*node{door, inside} {
		_, port, _ := strings.Cut(n.sip, ":")
		decode = append(decode, "udp.port=="+port+",sip")
	}
	checkSIPFlow(t, capture, decode)
	checkRTP(t, capture, decode)
	checkRTCP(t, capture, decode)
}

func checkSIPFlow(t *testing.T, capture string, decode []string) {
	t.Helper()
	var flow []string
	for _, r := range tsharkFields(t, capture, decode, "sip", "sip.Method", "sip.Status-Code") {
		step := r[0]
		if step == "" {
			step = r[1]
		}
		if len(flow) == 0 || flow[len(flow)-1] != step { // a retransmission is not a step
			flow = append(flow, step)
		}
	}
	got, want := strings.Join(flow, ","), "INVITE,100,180,200,ACK,BYE,200"
	t.Logf("SIP flow: %s", got)
	if got != want {
		t.Errorf("SIP flow %s, want %s", got, want)
	}
}

func checkRTP(t *testing.T, capture string, decode []string) {
	t.Helper()
	// Not icmp: the last packets a unit sends after the other closed its
	// port at hang-up come back quoted in ICMP port unreachables, which
	// tshark decodes as RTP from both addresses.
	rows := tsharkFields(t, capture, decode, "rtp && !rtpevent && !icmp", "ip.src", "rtp.ssrc", "rtp.seq", "rtp.timestamp", "rtp.marker", "rtp.p_type")
	streams := map[string][]rtpPkt{}
	for _, r := range rows {
		seq, _ := strconv.Atoi(r[2])
		ts, _ := strconv.ParseUint(r[3], 10, 32)
		pt, _ := strconv.Atoi(r[5])
		p := rtpPkt{src: r[0], ssrc: r[1], seq: seq, ts: uint32(ts), marker: r[4] == "1" || r[4] == "True", pt: pt}
		streams[p.src+" "+p.ssrc] = append(streams[p.src+" "+p.ssrc], p)
	}
	if len(streams) != 2 {
		t.Fatalf("%d RTP streams in the capture, want 2: %v", len(streams), keys(streams))
	}
	for id, pkts := range streams {
		gaps, markers, spurts, badMarkers, cnPkts := 0, 0, 0, 0, 0
		for i, p := range pkts {
			if p.marker {
				markers++
			}
			if i == 0 {
				spurts++
				continue
			}
			prev := pkts[i-1]
			if uint16(prev.seq+1) != uint16(p.seq) {
				gaps++
			}
			// A talkspurt starts with a jump in media time (silence was not
			// sent) or with the first audio after comfort noise (RFC 3389, PT 13),
			// which itself carries no marker.
			cn := p.pt == 13
			start := !cn && (p.ts-prev.ts > 160 || prev.pt == 13)
			if cn {
				cnPkts++
			}
			if start {
				spurts++
			}
			if p.marker != start {
				badMarkers++
			}
		}
		if !pkts[0].marker {
			badMarkers++
		}
		t.Logf("RTP stream %s: %d packets (%d comfort noise), %d sequence errors, %d talkspurts, %d marker bits, %d misplaced markers",
			id, len(pkts), cnPkts, gaps, spurts, markers, badMarkers)
		if gaps != 0 || badMarkers != 0 || len(pkts) < 200 {
			t.Errorf("RTP stream %s: %d packets, %d sequence errors, %d misplaced marker bits", id, len(pkts), gaps, badMarkers)
		}
	}
}

// checkRTCP checks the periodic reports (a compound packet with a BYE, sent
// at hang-up, is not periodic).
func checkRTCP(t *testing.T, capture string, decode []string) {
	t.Helper()
	rows := tsharkFields(t, capture, decode, "(rtcp.pt == 200 || rtcp.pt == 201) && !(rtcp.pt == 203) && !icmp", "ip.src", "frame.time_relative")
	times := map[string][]float64{}
	for _, r := range rows {
		s, _ := strconv.ParseFloat(r[1], 64)
		times[r[0]] = append(times[r[0]], s)
	}
	if len(times) != 2 {
		t.Errorf("RTCP reports from %d hosts, want 2", len(times))
	}
	for src, ts := range times {
		var gaps []string
		for i := 1; i < len(ts); i++ {
			d := ts[i] - ts[i-1]
			gaps = append(gaps, fmt.Sprintf("%.2fs", d))
			if d < 2.5 || d > 7.5 {
				t.Errorf("RTCP from %s: %.2f s between reports, want about 5 s (2.5-7.5)", src, d)
			}
		}
		t.Logf("RTCP from %s: %d reports, intervals %v", src, len(ts), gaps)
		if len(ts) < 2 {
			t.Errorf("RTCP from %s: %d reports in a 12 s call, want >= 2", src, len(ts))
		}
	}
}

func keys[V any](m map[string]V) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	return k
}
