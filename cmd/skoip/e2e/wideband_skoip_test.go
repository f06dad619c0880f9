package e2e

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/impair"
)

// wbCall is what one call of the wideband benchmark gives: what the
// listener played out, at wbRate, and what the call cost.
type wbCall struct {
	played []int16
	// CPU time of the talker's and the listener's process per 30 s of
	// call, measured from the call's start to the end of the speech.
	cpuTalker, cpuListener time.Duration
	// SKOIP only: when the talker's device captured the first sample of
	// the speech, and when the listener's device played sample 0 of its
	// recording (wall clock, within a period): the mouth-to-ear delay is
	// zero + lag/rate - start. Zero times: not known.
	speechStart, playZero time.Time
	relay                 impair.Stats
	// listener is what SKOIP's listener says of the call's media at the
	// end of the speech ("" for baresip).
	listener string
}

// wbSKOIP is one call between two SKOIP units on loopback with codec c:
// the talker plays tk's speech from its file device, the listener
// answers by itself and records what it plays to a WAV file; their RTP
// goes through an impairment relay (the SDP rewritten by a test SIP
// gateway). Both run at 16 kHz without microphone processing (the
// e2e defaults).
func wbSKOIP(t *testing.T, c wbCodec, imp impair.Config, tk *wbTalker) wbCall {
	lo := host{ip: "127.0.0.1"}
	rtp := freeEvenPair(t)
	with := func(s settings) settings {
		s["media.codecs"], s["audio.sample_rate"], s["log.level"] = `["`+c.skoip+`"]`, fmt.Sprint(wbRate), q("info")
		for k, v := range c.skoipOn {
			s[k] = v
		}
		return s
	}
	listener := launchNode(t, "skoip listener", lo, tk.silence, with(settings{"calls.auto_answer": "true",
		"media.rtp_ports": q(fmt.Sprintf("%d-%d", rtp, rtp+1))}))
	talker := launchNode(t, "skoip talker", lo, tk.skoip, with(settings{"audio.playback": ""}))
	listener.ready()
	talker.ready()
	pair, err := impair.NewPair(imp, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(rtp)))
	if err != nil {
		t.Fatal(err)
	}
	defer pair.Close()
	alg := newSIPALG(t, netip.MustParseAddrPort(listener.sip), pair.OutPort(), pair.ListenPort())

	talker.mustCtl("call", alg.Addr())
	if st := talker.waitState("connected", setupTimeout); !strings.EqualFold(st.Codec, c.skoip) {
		t.Fatalf("the call is in %q, want %s", st.Codec, c.skoip)
	}
	ts, tAt := wbStatus(t, talker)
	ls, lAt := wbStatus(t, listener)
	cpu0 := [2]benchSide{sideStats(t, talker.cmd.Process.Pid), sideStats(t, listener.cmd.Process.Pid)}
	started := time.Now()

	// Where the talker's looped file is now, and when its speech ends.
	per := wbSamples(nodePeriod)
	loop, lead := wbSamples(wbSKOIPLead)+len(tk.speech)+wbSamples(wbTail), wbSamples(wbSKOIPLead)
	captured := int(ts.Audio.Periods) * per
	pos := captured % loop
	next := captured - pos + lead // the speech's first sample, in samples since the device started
	if pos > lead-wbSamples(300*time.Millisecond) {
		next += loop // too late for this loop's speech: the next one
	}
	var c0 wbCall
	c0.speechStart = tAt.Add(wbDuration(next - captured))
	c0.playZero = lAt.Add(-wbDuration(int(ls.Audio.Periods) * per))
	// The call's length is what is measured: no status polling meanwhile.
	<-time.After(time.Until(c0.speechStart.Add(wbDuration(len(tk.speech)) + wbPlayout)))
	cpu1 := [2]benchSide{sideStats(t, talker.cmd.Process.Pid), sideStats(t, listener.cmd.Process.Pid)}
	c0.cpuTalker, c0.cpuListener = per30(cpu0[0], cpu1[0], started), per30(cpu0[1], cpu1[1], started)
	if st, err := talker.status(); err != nil || st.State != "connected" {
		t.Fatalf("talker at the end of the speech: %+v %v", st, err)
	}
	if st, _ := wbStatus(t, listener); st.Media != nil {
		m := st.Media
		c0.listener = fmt.Sprintf("listener: playout delay %.0f ms, jitter %.1f ms, %d lost, %d concealed, %d playout underruns, %d device underruns",
			m.PlayoutDelayMS, m.JitterMS, m.Lost, m.Concealed, m.Underruns, st.Audio.Underruns)
	}
	talker.mustCtl("hangup")
	listener.waitState("idle", setupTimeout)
	c0.relay = pair.RTP.Stats()
	for _, n := range []*node{talker, listener} {
		if err := n.stop(); err != nil {
			t.Errorf("%s: exit after SIGTERM: %v", n.name, err)
		}
	}
	c0.played = mustReadWAV(t, listener.play)
	return c0
}

// wbPlayout is how long a call goes on after the talker's speech ends,
// for the last of it to come out of the listener's playout buffer (which
// holds up to 200 ms by default) behind up to 40 ms of relay delay.
const wbPlayout = 700 * time.Millisecond

// wbStatus reads n's status and the time it was taken (half-way through
// the request).
func wbStatus(t *testing.T, n *node) (status, time.Time) {
	t.Helper()
	before := time.Now()
	st, err := n.status()
	if err != nil {
		t.Fatalf("%s: status: %v", n.name, err)
	}
	return st, before.Add(time.Since(before) / 2)
}

// per30 is the CPU time between two readings scaled to 30 s of wall time.
func per30(a, b benchSide, since time.Time) time.Duration {
	return time.Duration(float64(b.CPU-a.CPU) * (30 * time.Second).Seconds() / time.Since(since).Seconds())
}
