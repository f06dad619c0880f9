package e2e

import (
	"testing"
	"time"
)

// TestCodecLinphonec: linphonec (linphone-cli 5.1), whose offer lists
// Opus first among many codecs, calls a SKOIP unit with the shipped
// codecs. The call is Opus at 16 kHz in SKOIP, with speech checked both
// ways (linphonec records what it hears at 48 kHz then). The other way
// round, SKOIP calling linphonec, only the signalling differs.
func TestCodecLinphonec(t *testing.T) {
	needTool(t, "linphonec", "linphone-cli")
	t.Parallel()
	lab := newLab(t)
	unit := startNode(t, "skoip", lab.inside, testdata("inside.wav"), withCodecs(nil, shippedCodecs...))
	lp := startLinphonec(t, lab.door, peerPort(t, lab.door), testdata("door.wav"), false)
	lp.send("call sip:door@" + unit.sip)
	unit.waitState("incoming", setupTimeout)
	unit.mustCtl("answer")
	unit.waitState("connected", setupTimeout)
	checkCodecOf(t, unit, "opus", 16000)
	offer := tracedSDP(t, unit, false, "INVITE ")
	t.Logf("linphonec's offer: %s", mLine(offer))
	span, _ := talk(t, unit, unit, linphonecTalk)
	lp.send("terminate")
	unit.waitState("idle", setupTimeout)
	lp.waitOutput("ended", 10*time.Second)
	lp.quit()
	if err := unit.stop(); err != nil {
		t.Error(err)
	}
	checkHearsAligned(t, unit, span, testdata("door.wav"), testdata("inside.wav"))
	checkPeerHearsAligned(t, "linphonec", heardAt8k(t, lp.rec), testdata("inside.wav"), testdata("door.wav"))
}
