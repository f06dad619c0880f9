package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// codecScenario is the path of a SIPp scenario of the codec tests.
func codecScenario(name string) string {
	return filepath.Join(repoRoot, "cmd", "skoip", "e2e", "testdata", "codec", name)
}

// TestCodecSIPp: SIPp offers one codec at a time to a unit with the
// shipped codecs (opus, G722, PCMU, PCMA): SKOIP answers 200 with that
// codec first in its m= line, its rtpmap, and the telephone-event of the
// offer's clock (48000 beside opus, 8000 beside the others), and its
// status shows the codec at its rate. Offers without a codec that SKOIP
// takes (G.729 only; opus at a 16000 Hz clock, which RFC 7587 does not
// allow) are refused with 488 without ringing.
func TestCodecSIPp(t *testing.T) {
	needTool(t, "sipp", "sip-tester")
	t.Parallel()
	lab := newLab(t)
	unit := startNode(t, "skoip", lab.inside, "", quiet(withCodecs(settings{"calls.auto_answer": "true"}, "opus", "G722", "PCMU", "PCMA")))

	accepted := []struct {
		codec      string // in SKOIP's status
		rate       int    // codec_rate_hz
		pt, rtpmap string
		te         string // the telephone-event rtpmap offered and answered
	}{
		{"opus", 16000, "111", "opus/48000/2", "telephone-event/48000"},
		{"G722", 16000, "9", "G722/8000", "telephone-event/8000"},
		{"PCMU", 8000, "0", "PCMU/8000", "telephone-event/8000"},
	}
	for _, c := range accepted {
		t.Run(c.codec+" only", func(t *testing.T) {
			p := sipp(t, "sipp "+c.codec, lab.door, peerPort(t, lab.door), "-sf", codecScenario("uac_offer.xml"),
				"-key", "pt", c.pt, "-key", "map", c.rtpmap, "-key", "tept", "101", "-key", "temap", c.te,
				"-trace_logs", "-log_file", "answer.log", unit.sip, "-m", "1")
			unit.waitState("connected", setupTimeout)
			checkCodecOf(t, unit, c.codec, c.rate)
			sippOK(t, p)
			unit.waitState("idle", setupTimeout)
			answer := sippAnswer(t, p)
			t.Logf("answer to %s and %s: %q", c.rtpmap, c.te, answer)
			m := strings.Fields(strings.SplitN(answer, "\n", 2)[0])
			if len(m) < 4 || m[3] != c.pt {
				t.Errorf("answer's m= line %q: want payload type %s first", m, c.pt)
			}
			for _, want := range []string{"a=rtpmap:" + c.pt + " " + c.rtpmap, "a=rtpmap:101 " + c.te} {
				if !strings.Contains(answer, want) {
					t.Errorf("answer without %q", want)
				}
			}
		})
	}

	refused := []struct{ name, pt, rtpmap string }{
		{"G729 only", "18", "G729/8000"},
		{"opus at 16000 Hz", "111", "opus/16000/1"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			// The scenario fails on a 180 before the 488: the unit must not ring.
			p := sipp(t, "sipp "+c.name, lab.door, peerPort(t, lab.door), "-sf", codecScenario("uac_offer_refused.xml"),
				"-key", "pt", c.pt, "-key", "map", c.rtpmap, unit.sip, "-m", "1")
			sippOK(t, p)
			if st, _ := unit.status(); st.State != "idle" {
				t.Errorf("unit %s after the 488", st.State)
			}
		})
	}
}

// sippAnswer is the media description that uac_offer.xml logged: the
// answer's SDP from its m= line on, with LF line ends.
func sippAnswer(t *testing.T, p *peer) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(p.cmd.Dir, "answer.log"))
	if err != nil {
		t.Fatal(err)
	}
	_, answer, ok := strings.Cut(string(b), "answer: ")
	if !ok {
		t.Fatalf("SIPp logged no answer: %q", b)
	}
	return strings.TrimSpace(strings.ReplaceAll(answer, "\r\n", "\n"))
}
