package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// skoipVariant is one SKOIP of the bench: which binary, and how it is set.
type skoipVariant struct {
	bin    string   // skoipBin, or the static build
	dsp    settings // microphone processing; nil: off
	secure bool     // over TLS with SRTP required
}

// benchSKOIP: a SKOIP caller with the speech file and a SKOIP callee with
// the "loopback" audio backend (what it plays is captured again and sent
// back). Microphone processing is off unless v.dsp turns it on. When
// v.secure, the units pin each other's certificate and the wire figures,
// which read SIP and RTP in clear, are not taken.
func benchSKOIP(t *testing.T, speech string, v skoipVariant) benchResult {
	ts, capture := startCapture(t)
	lo := host{ip: "127.0.0.1"}
	calleePort, callerPort := freeUDPPort(t, 0, 0, 1), freeUDPPort(t, 0, 0, 1)
	calleeRTP := freeUDPPort(t, 21000, 21400, 2)
	callerRTP := freeUDPPort(t, 21400, 21800, 2)
	common := settings{"audio.agc": "false", "audio.high_pass": "false", "log.level": q("info"),
		"media.rtp_timeout": q("10s"), "audio.playback": "",
		"media.codecs": g711} // a G.711 call, as baresip's here; make bench-wideband compares the others
	for k, val := range v.dsp {
		common[k] = val
	}
	with := func(s settings) settings {
		for k, val := range common {
			if _, ok := s[k]; !ok {
				s[k] = val
			}
		}
		return s
	}
	var r benchResult
	calleeSet := settings{"sip.listen": q(fmt.Sprintf("127.0.0.1:%d", calleePort)),
		"audio.backend": q("loopback"), "audio.capture": "", "calls.auto_answer": "true",
		"media.rtp_ports": q(fmt.Sprintf("%d-%d", calleeRTP, calleeRTP+1))}
	callerSet := settings{"sip.listen": q(fmt.Sprintf("127.0.0.1:%d", callerPort)),
		"media.rtp_ports": q(fmt.Sprintf("%d-%d", callerRTP, callerRTP+1))}
	target := ""
	if v.secure {
		ce, cr := newIdentity(t), newIdentity(t)
		calleeTLS := fmt.Sprintf("127.0.0.1:%d", tlsPort(t, lo))
		for _, x := range []struct {
			s        settings
			id       identity
			listen   string
			pinOther string
		}{{calleeSet, ce, calleeTLS, cr.fingerprint}, {callerSet, cr, fmt.Sprintf("127.0.0.1:%d", tlsPort(t, lo)), ce.fingerprint}} {
			x.s["state.dir"], x.s["sip.tls_listen"] = q(x.id.stateDir), q(x.listen)
			x.s["media.encryption"], x.s["peer.tls_fingerprint"] = q("required"), q(x.pinOther)
		}
		target = "sips:callee@" + calleeTLS
	}
	callee := launchNodeBin(t, v.bin, "skoip callee", lo, "", with(calleeSet), "")
	r.Callee.ListenIn = waitListening(t, callee.started, calleePort)
	callee.ready()
	caller := launchNodeBin(t, v.bin, "skoip caller", lo, speech, with(callerSet), "")
	r.Caller.ListenIn = waitListening(t, caller.started, callerPort)
	caller.ready()
	if target == "" {
		target = callee.sip
	}

	caller.mustCtl("call", target)
	caller.waitState("connected", setupTimeout)
	// The call's length is what is measured: no status polling meanwhile
	// (each request costs the polled process CPU; baresip is not polled).
	<-time.After(benchCall)
	if st, err := caller.status(); err != nil || st.State != "connected" {
		t.Fatalf("caller after %v: %+v %v", benchCall, st, err)
	}
	r.Caller, r.Callee = withStats(t, r.Caller, caller.cmd.Process.Pid), withStats(t, r.Callee, callee.cmd.Process.Pid)
	caller.mustCtl("hangup")
	callee.waitState("idle", setupTimeout)
	sameConfig(t, caller, callee)
	if v.secure {
		if st, err := caller.status(); err != nil || st.State != "idle" {
			t.Logf("secure caller after hangup: %+v %v", st, err)
		}
		ts.stop()
		caller.stop()
		callee.stop()
		return r
	}
	ts.waitOutput("BYE", setupTimeout)
	ts.stop()
	caller.stop()
	callee.stop()
	r.InviteTo200, r.EchoDelay = wireFigures(t, capture, calleeRTP, calleeRTP+2)
	return r
}

// benchBaresip: the same with two baresip 1.0.0: aufile as the caller's
// source, the callee's aubridge source and player joined (its echo).
func benchBaresip(t *testing.T, speech string) benchResult {
	ts, capture := startCapture(t)
	lo := host{ip: "127.0.0.1"}
	calleePort := freeUDPPort(t, 5060, 5098, 2)
	callerPort := freeUDPPort(t, calleePort+2, 5098, 2)
	calleeDir := benchBaresipConf(t, lo, calleePort, "aubridge,echo", "aubridge,echo", "10000-10049")
	callerDir := benchBaresipConf(t, lo, callerPort, "aufile,"+speech, "aubridge,nil", "10050-10099")
	var r benchResult
	calleeCmd := lo.command("baresip", "-f", calleeDir, "-t", "60")
	start := time.Now()
	callee := startPeer(t, "baresip callee", calleeCmd, calleeDir, "HOME="+calleeDir+"/home")
	r.Callee.ListenIn = waitListening(t, start, calleePort)
	callee.waitOutput("baresip is ready", 10*time.Second)
	callerCmd := lo.command("baresip", "-f", callerDir, "-t", "60", "-e", fmt.Sprintf("/dial sip:bob@127.0.0.1:%d", calleePort))
	start = time.Now()
	caller := startPeer(t, "baresip caller", callerCmd, callerDir, "HOME="+callerDir+"/home")
	r.Caller.ListenIn = waitListening(t, start, callerPort)
	caller.waitOutput("Call established", 10*time.Second)
	established := time.Now()
	select {
	case <-time.After(time.Until(established.Add(benchCall))): // the call's length is what is measured
	case <-caller.done:
		t.Fatalf("baresip caller exited during the call: %v", caller.err)
	}
	r.Caller, r.Callee = withStats(t, r.Caller, caller.cmd.Process.Pid), withStats(t, r.Callee, callee.cmd.Process.Pid)
	// The caller's aufile source ends the call at the end of the speech (31 s).
	caller.waitOutput("terminated", 15*time.Second)
	ts.waitOutput("BYE", setupTimeout)
	ts.stop()
	caller.stop()
	callee.stop()
	r.InviteTo200, r.EchoDelay = wireFigures(t, capture, 10000, 10050)
	return r
}

func withStats(t *testing.T, s benchSide, pid int) benchSide {
	st := sideStats(t, pid)
	st.ListenIn = s.ListenIn
	return st
}

// benchBaresipConf is baresipConfAudio without sndfile (nothing recorded,
// as SKOIP records nothing in the bench) and with its own RTP ports.
func benchBaresipConf(t *testing.T, h host, port int, source, player, rtp string) string {
	t.Helper()
	dir := baresipConfAudio(t, h, port, source, player)
	path := dir + "/config"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "module sndfile.so\n", "", 1)
	s = strings.Replace(s, "rtp_ports 10000-10100", "rtp_ports "+rtp, 1)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// wireFigures reads INVITE -> 200 OK and the callee's echo delay from a
// capture; the callee's RTP ports are in [lo, hi).
func wireFigures(t *testing.T, capture string, lo, hi int) (inviteTo200, echo time.Duration) {
	t.Helper()
	var invite, ok float64 = -1, -1
	for _, r := range tsharkFields(t, capture, nil, "sip", "frame.time_relative", "sip.Method", "sip.Status-Code", "sip.CSeq.method") {
		at, _ := strconv.ParseFloat(r[0], 64)
		if r[1] == "INVITE" && invite < 0 {
			invite = at
		}
		if r[2] == "200" && r[3] == "INVITE" && ok < 0 {
			ok = at
		}
	}
	if invite < 0 || ok < 0 {
		t.Fatalf("no INVITE and 200 OK in the capture")
	}
	rows := tsharkFields(t, capture, nil, "rtp && rtp.p_type == 0", "frame.time_relative", "udp.srcport", "udp.dstport", "rtp.payload")
	var in, out []timedPacket
	for _, r := range rows {
		at, _ := strconv.ParseFloat(r[0], 64)
		src, _ := strconv.Atoi(r[1])
		dst, _ := strconv.Atoi(r[2])
		p := timedPacket{at: at, payload: hexBytes(r[3])}
		switch {
		case dst >= lo && dst < hi:
			in = append(in, p)
		case src >= lo && src < hi:
			out = append(out, p)
		}
	}
	if len(in) < 500 || len(out) < 500 {
		t.Fatalf("RTP in the capture: %d packets to the callee, %d from it", len(in), len(out))
	}
	return secs(ok - invite), echoDelay(in, out)
}

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func hexBytes(s string) []byte {
	s = strings.ReplaceAll(s, ":", "")
	b := make([]byte, len(s)/2)
	for i := range b {
		v, _ := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		b[i] = byte(v)
	}
	return b
}
