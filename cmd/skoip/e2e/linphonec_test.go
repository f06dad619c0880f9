package e2e

import (
	"fmt"
	"testing"
	"time"
)

// linphonecTalk is the call time whose speech is checked: 8 s gives the
// checker its 30 voiced windows (baresip's 6 s is bounded by its aufile).
const linphonecTalk = 8 * time.Second

// TestLinphonec: SKOIP calls linphonec (which answers by itself) and
// linphonec calls SKOIP, with speech both ways checked on both sides; SKOIP
// hangs up the first call and linphonec the second. G.711 (linphonec's
// recording is checked at 8 kHz); the Opus call is TestCodec's.
func TestLinphonec(t *testing.T) {
	needTool(t, "linphonec", "linphone-cli")
	t.Parallel()
	lab := newLab(t)

	t.Run("skoip calls linphonec", func(t *testing.T) {
		port := peerPort(t, lab.inside)
		lp := startLinphonec(t, lab.inside, port, testdata("inside.wav"), true)
		door := startNode(t, "door", lab.door, testdata("door.wav"), settings{"media.codecs": g711})
		door.mustCtl("call", fmt.Sprintf("sip:bob@%s:%d", lab.inside.ip, port))
		checkCodec(t, door.waitState("connected", setupTimeout))
		span, _ := talk(t, door, door, linphonecTalk)
		door.mustCtl("hangup")
		door.waitState("idle", setupTimeout)
		lp.waitOutput("ended", 10*time.Second)
		lp.quit()
		if err := door.stop(); err != nil {
			t.Error(err)
		}
		checkHears(t, door, span, testdata("inside.wav"), testdata("door.wav"), clean)
		checkPeerHears(t, "linphonec", lp.heard(), testdata("door.wav"), testdata("inside.wav"))
	})

	t.Run("linphonec calls skoip", func(t *testing.T) {
		inside := startNode(t, "inside", lab.inside, testdata("inside.wav"), settings{"media.codecs": g711})
		port := peerPort(t, lab.door)
		lp := startLinphonec(t, lab.door, port, testdata("door.wav"), false)
		lp.send("call sip:door@" + inside.sip)
		inside.waitState("incoming", setupTimeout)
		inside.mustCtl("answer")
		checkCodec(t, inside.waitState("connected", setupTimeout))
		span, _ := talk(t, inside, inside, linphonecTalk)
		lp.send("terminate")
		inside.waitState("idle", setupTimeout)
		lp.waitOutput("ended", 10*time.Second)
		lp.quit()
		if err := inside.stop(); err != nil {
			t.Error(err)
		}
		checkHears(t, inside, span, testdata("door.wav"), testdata("inside.wav"), clean)
		checkPeerHears(t, "linphonec", lp.heard(), testdata("inside.wav"), testdata("door.wav"))
	})
}

// checkCodec checks that SKOIP chose PCMU from linphonec's offer or answer
// (linphonec offers opus, speex, PCMU, PCMA, G729 and telephone-event).
func checkCodec(t *testing.T, st status) {
	t.Helper()
	if st.Codec != "PCMU" {
		t.Errorf("codec %q with linphonec, want PCMU", st.Codec)
	}
}
