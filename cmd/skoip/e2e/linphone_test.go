package e2e

import (
	"fmt"
	"testing"
	"time"
)

// TestLinphonec: SKOIP calls linphonec (which answers by itself) and
// linphonec calls SKOIP, with speech both ways checked on both sides; SKOIP
// hangs up the first call and linphonec the second.
func TestLinphonec(t *testing.T) {
	needTool(t, "linphonec", "linphone-cli")
	t.Parallel()
	lab := newLab(t)
	defaultRoutes(t, lab)

	t.Run("skoip calls linphonec", func(t *testing.T) {
		port := peerPort(t, lab.inside)
		lp := startLinphonec(t, lab.inside, port, testdata("inside.wav"), true)
		door := startNode(t, "door", lab.door, testdata("door.wav"), nil)
		door.mustCtl("call", fmt.Sprintf("sip:bob@%s:%d", lab.inside.ip, port))
		door.waitState("connected", setupTimeout)
		span, _ := talk(t, door, door, 6*time.Second)
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
		inside := startNode(t, "inside", lab.inside, testdata("inside.wav"), nil)
		port := peerPort(t, lab.door)
		lp := startLinphonec(t, lab.door, port, testdata("door.wav"), false)
		lp.send("call sip:door@" + inside.sip)
		inside.waitState("incoming", setupTimeout)
		inside.mustCtl("answer")
		inside.waitState("connected", setupTimeout)
		span, _ := talk(t, inside, inside, 6*time.Second)
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

// defaultRoutes gives each namespace of lab a default route through the
// other host. linphonec takes the address for its SDP offer from the route
// to the Internet (and offers 127.0.0.1 when there is none), as phones on a
// real network have one; the other tests do not need it.
func defaultRoutes(t *testing.T, lab *lab) {
	t.Helper()
	if !lab.netns {
		return
	}
	for _, r := range [][2]host{{lab.door, lab.inside}, {lab.inside, lab.door}} {
		if out, err := ipCmd("-n", r[0].ns, "route", "add", "default", "via", r[1].ip); err != nil {
			t.Fatalf("ip -n %s route add default via %s: %v: %s", r[0].ns, r[1].ip, err, out)
		}
	}
}
