package e2e

import (
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/impair"
)

// impaired is the audio quality asked of a call with 5% loss and 30 +/- 10 ms
// jitter: the far side is clearly heard (see the figures in the log).
var impaired = quality{median: 0.5, good: 0.15}

// freeEvenPair finds an even port whose successor is free too on 127.0.0.1.
func freeEvenPair(t *testing.T) int {
	t.Helper()
	for range 100 {
		a, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		p := a.LocalAddr().(*net.UDPAddr).Port
		if p%2 == 0 && p < 65535 {
			b, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p + 1})
			if err == nil {
				a.Close()
				b.Close()
				return p
			}
		}
		a.Close()
	}
	t.Fatal("no free even port pair")
	return 0
}

// TestImpairedCall: the same call as TestCallTalkOpenHangup with RTP through
// internal/testsupport/impair (5% loss, 30 +/- 10 ms delay each way). The relay binds only
// 127.0.0.1, so both units run on loopback; a SIP gateway in the test
// rewrites the SDP so that the media goes through the relay.
func TestImpairedCall(t *testing.T) {
	t.Parallel()
	t.Log("loopback only: the impairment relay binds 127.0.0.1")
	rtp := freeEvenPair(t)
	lo := host{ip: "127.0.0.1"}
	inside := startNode(t, "inside", lo, testdata("inside.wav"), settings{
		"media.rtp_ports": q(fmt.Sprintf("%d-%d", rtp, rtp+1))})
	door := startNode(t, "door", lo, testdata("door.wav"), nil)

	pair, err := impair.NewPair(impair.Config{Seed: 7, Delay: 30 * time.Millisecond, Jitter: 10 * time.Millisecond, Loss: 0.05},
		netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(rtp)))
	if err != nil {
		t.Fatal(err)
	}
	defer pair.Close()
	alg := newSIPALG(t, netip.MustParseAddrPort(inside.sip), pair.OutPort(), pair.ListenPort())

	door.mustCtl("call", alg.Addr())
	inside.waitState("incoming", setupTimeout)
	answerCall(t, door, inside)
	doorSpan, insideSpan := talk(t, door, inside, 8*time.Second)
	// Each side's status shows the impairment: about 5% lost (concealed by
	// the playout buffer) and the jitter (0.0-0.1 ms on a clean link).
	for _, n := range []*node{door, inside} {
		st := mediaOf(t, n)
		m := st.Media
		if pct := 100 * float64(m.Lost) / float64(st.RTPRx+uint64(max(m.Lost, 0))); pct < 2 || pct > 9 {
			t.Errorf("%s: %.1f%% lost in status, the relay drops 5%%", n.name, pct)
		}
		if m.JitterMS < 2 || m.Concealed == 0 {
			t.Errorf("%s: jitter %.1f ms, %d frames concealed behind 5%% loss and 30 +/- 10 ms of delay", n.name, m.JitterMS, m.Concealed)
		}
	}
	inside.mustCtl("open")
	door.waitFor("door opened", 10*time.Second, func(s status) bool { return s.DoorOpened == 1 })
	door.mustCtl("hangup")
	inside.waitState("idle", setupTimeout)
	stats := pair.RTP.Stats()
	for _, n := range []*node{door, inside} {
		if err := n.stop(); err != nil {
			t.Errorf("%s: exit after SIGTERM: %v", n.name, err)
		}
	}
	lossPct := 100 * float64(stats.Lost) / float64(stats.Forwarded+stats.Lost)
	t.Logf("relay: %d RTP packets forwarded, %d lost (%.1f%%)", stats.Forwarded, stats.Lost, lossPct)
	if stats.Forwarded < 600 || lossPct < 3 || lossPct > 7 {
		t.Errorf("the call did not go through the relay as set up: %+v", stats)
	}
	checkHears(t, door, doorSpan, testdata("inside.wav"), testdata("door.wav"), impaired)
	checkHears(t, inside, insideSpan, testdata("door.wav"), testdata("inside.wav"), impaired)
}
