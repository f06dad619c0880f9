package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wideCodec is a wideband codec as SKOIP's media.codecs and status name
// it, as baresip's audio_codecs names it (name/rate/channels: with the
// name only, baresip looks for it at 8000 Hz, does not find G.722 and
// offers all its codecs) and as its rtpmap says.
type wideCodec struct {
	skoip, baresip, rtpmap string
}

// wideCodecs are the wideband codecs that baresip 1.0.0 speaks with SKOIP:
// Opus (baresip's opus module, stereo at 48 kHz unless told otherwise) and
// G.722.
var wideCodecs = []wideCodec{{"opus", "opus/48000/2", "opus/48000/2"}, {"G722", "G722/16000/1", "G722/8000"}}

// TestCodecBaresip: baresip 1.0.0 limited to one wideband codec (Opus,
// which it sends in stereo, or G.722) calls a SKOIP unit with the shipped
// codecs and is called by one. SKOIP's status shows that codec at 16
// kHz, baresip's SDP has no other, speech is checked both ways, and the
// door code that baresip then sends as RFC 4733 events at 8000 Hz (the
// only rate baresip has, paired with Opus too) opens SKOIP's door.
func TestCodecBaresip(t *testing.T) {
	needTool(t, "baresip", "baresip-core")
	t.Parallel()
	for _, c := range wideCodecs {
		for _, fromBaresip := range []bool{false, true} {
			name := c.skoip + "/skoip calls baresip"
			if fromBaresip {
				name = c.skoip + "/baresip calls skoip"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				codecCallBaresip(t, c, fromBaresip)
			})
		}
	}
}

// codecCallBaresip is one call between a SKOIP unit with the shipped
// codecs and baresip with only c, placed by baresip when fromBaresip,
// else by SKOIP (baresip answers by itself). After the speech that is
// checked, baresip sends the door code 1234. SKOIP hangs up its own call;
// baresip's ends when its speech file does.
func codecCallBaresip(t *testing.T, c wideCodec, fromBaresip bool) {
	lab := newLab(t)
	unitHost, bsHost := lab.door, lab.inside
	unitWAV, bsWAV := testdata("door.wav"), testdata("inside.wav")
	if fromBaresip {
		unitHost, bsHost = lab.inside, lab.door
		unitWAV, bsWAV = bsWAV, unitWAV
	}
	unit := startNode(t, "skoip", unitHost, unitWAV, withCodecs(nil, shippedCodecs...))
	port := peerPort(t, bsHost)
	dir := baresipCodecConf(t, bsHost, port, bsWAV, c.baresip)
	cons := baresipCons(t, dir, bsHost, port+1000)
	args := []string{"-f", dir, "-t", "40"}
	if fromBaresip {
		args = append(args, "-e", "/dial sip:door@"+unit.sip)
	}
	bs := startPeer(t, "baresip", bsHost.command("baresip", args...), dir, "HOME="+filepath.Join(dir, "home"))
	if fromBaresip {
		unit.waitState("incoming", setupTimeout)
		unit.mustCtl("answer")
	} else {
		bs.waitOutput("baresip is ready", 10*time.Second)
		unit.mustCtl("call", fmt.Sprintf("sip:bob@%s:%d", bsHost.ip, port))
	}
	unit.waitState("connected", setupTimeout)
	checkCodecOf(t, unit, c.skoip, 16000)
	// baresip's offer or answer has c only; the answer has telephone-event/8000.
	var bsSDP, answer string
	if fromBaresip {
		bsSDP, answer = tracedSDP(t, unit, false, "INVITE "), tracedSDP(t, unit, true, "SIP/2.0 200 ")
	} else {
		bsSDP = tracedSDP(t, unit, false, "SIP/2.0 200 ")
		answer = bsSDP
	}
	t.Logf("baresip's SDP: %s; %s", mLine(bsSDP), strings.Join(sdpCodecs(bsSDP), ", "))
	if got := sdpCodecs(bsSDP); len(got) != 1 || got[0] != c.rtpmap {
		t.Errorf("baresip's SDP has codecs %q, want only %s", got, c.rtpmap)
	}
	if !strings.Contains(answer, " telephone-event/8000") {
		t.Errorf("the answer has no telephone-event/8000 beside %s: %q", c.skoip, answer)
	}
	span, _ := talk(t, unit, unit, 6*time.Second)
	cons("/sndcode 1234")
	st := unit.waitFor("door opened", 5*time.Second, func(s status) bool { return s.DoorOpened == 1 })
	if n := waitLines(unit, "dtmf received", 4); n != 4 || st.Relay.Pulses != 1 {
		t.Errorf("%d digits received, %d relay pulses: want 4 and 1", n, st.Relay.Pulses)
	}
	if fromBaresip {
		// baresip's aufile ends the call when its file ends (9 s).
		unit.waitState("idle", 15*time.Second)
	} else {
		unit.mustCtl("hangup")
		unit.waitState("idle", setupTimeout)
	}
	bs.waitOutput("terminated", 10*time.Second)
	bs.stop()
	if err := unit.stop(); err != nil {
		t.Error(err)
	}
	checkHearsAligned(t, unit, span, bsWAV, unitWAV)
	checkPeerHearsAligned(t, "baresip", heardAt8k(t, filepath.Join(dir, "snd", "*-dec.wav")), unitWAV, bsWAV)
}

// TestCodecAnswerOrder: baresip offers PCMU first and G722 second to a
// unit whose media.codecs are G722 then PCMU. With answer_order "offer"
// (the default) the call is PCMU, the caller's first choice; with "ours"
// it is G722, the unit's.
func TestCodecAnswerOrder(t *testing.T) {
	needTool(t, "baresip", "baresip-core")
	t.Parallel()
	for _, c := range []struct {
		order, codec, pt string
		rate             int
	}{{"offer", "PCMU", "0", 8000}, {"ours", "G722", "9", 16000}} {
		t.Run(c.order, func(t *testing.T) {
			t.Parallel()
			lab := newLab(t)
			unit := startNode(t, "skoip", lab.inside, "", quiet(withCodecs(settings{
				"calls.auto_answer": "true", "media.answer_order": q(c.order)}, "G722", "PCMU")))
			port := peerPort(t, lab.door)
			dir := baresipCodecConf(t, lab.door, port, testdata("door.wav"), "PCMU/8000/1,G722/16000/1")
			bs := startPeer(t, "baresip", lab.door.command("baresip", "-f", dir, "-t", "40", "-e", "/dial sip:door@"+unit.sip),
				dir, "HOME="+filepath.Join(dir, "home"))
			unit.waitState("connected", setupTimeout)
			offer, answer := mLine(tracedSDP(t, unit, false, "INVITE ")), mLine(tracedSDP(t, unit, true, "SIP/2.0 200 "))
			t.Logf("answer_order %q: offer %q, answer %q", c.order, offer, answer)
			if f := strings.Fields(offer); len(f) < 5 || f[3] != "0" || f[4] != "9" {
				t.Fatalf("baresip's offer %q: want PCMU (0) then G722 (9)", offer)
			}
			checkCodecOf(t, unit, c.codec, c.rate)
			if f := strings.Fields(answer); len(f) < 4 || f[3] != c.pt {
				t.Errorf("answer %q: want payload type %s first", answer, c.pt)
			}
			unit.mustCtl("hangup")
			unit.waitState("idle", setupTimeout)
			bs.waitOutput("session closed", 10*time.Second) // what baresip says of a BYE to its call
		})
	}
}
