package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// peerPort is the SIP port for a peer program on h: 5060 in a namespace of
// its own, else a free one in 5060-5099 (the range kept for such programs).
func peerPort(t *testing.T, h host) int {
	t.Helper()
	if h.ns != "" {
		return 5060
	}
	for p := 5060; p < 5100; p += 2 { // baresip also binds port+1 (TLS)
		u, err := net.ListenPacket("udp", h.ip+":"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		u.Close()
		return p
	}
	t.Fatal("no free SIP port in 5060-5099")
	return 0
}

// baresipConf writes a headless baresip 1.0.0 config: speech from wav (the
// call ends when it ends), what it hears recorded by sndfile into dir/snd.
func baresipConf(t *testing.T, h host, port int, wav string) string {
	return baresipConfAudio(t, h, port, "aufile,"+wav, "aubridge,nil")
}

// baresipConfAudio is baresipConf with any audio source and player
// ("aubridge,X" for both: what is received is sent back, baresip's echo).
func baresipConfAudio(t *testing.T, h host, port int, source, player string) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"snd", "home"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	conf := fmt.Sprintf(`poll_method epoll
sip_listen %[1]s:%[2]d
net_interface %[1]s
rtp_ports 10000-10100
audio_source %[3]s
audio_player %[5]s
audio_alert aubridge,nil
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module aubridge.so
module sndfile.so
module uuid.so
module account.so
module menu.so
snd_path %[4]s
`, h.ip, port, source, filepath.Join(dir, "snd"), player)
	acc := fmt.Sprintf("<sip:bob@%s:%d;transport=udp>;regint=0;answermode=auto;audio_codecs=PCMU,PCMA\n", h.ip, port)
	for name, body := range map[string]string{"config": conf, "accounts": acc} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// baresipHeard is the recording of what baresip received (sndfile's -dec.wav).
func baresipHeard(t *testing.T, dir string) []int16 {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "snd", "*-dec.wav"))
	if len(files) != 1 {
		t.Fatalf("baresip recorded %d decoded streams, want 1", len(files))
	}
	_, rec, err := readWAV(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// checkPeerHears checks a peer's recording against the far source.
func checkPeerHears(t *testing.T, who string, rec []int16, far, own string) {
	t.Helper()
	_, farSrc, _ := readWAV(far)
	_, ownSrc, _ := readWAV(own)
	hear, self := correlate(rec, farSrc, 1600, 30), correlate(rec, ownSrc, 1600, 30)
	t.Logf("%s hears SKOIP: %v", who, hear)
	t.Logf("%s vs its own source: %v", who, self)
	if hear.Windows < 10 || hear.Median < clean.median || hear.Good < clean.good {
		t.Errorf("%s does not hear SKOIP: %v", who, hear)
	}
	if self.Good > 0.05 {
		t.Errorf("%s hears itself: %v", who, self)
	}
}

// TestBaresip: SKOIP calls baresip and baresip calls SKOIP, with speech
// both ways checked on both sides; each side hangs up once.
func TestBaresip(t *testing.T) {
	needTool(t, "baresip", "baresip-core")
	t.Parallel()
	lab := newLab(t)

	t.Run("skoip calls baresip", func(t *testing.T) {
		port := peerPort(t, lab.inside)
		dir := baresipConf(t, lab.inside, port, testdata("inside.wav"))
		bs := startPeer(t, "baresip", lab.inside.command("baresip", "-f", dir, "-t", "40"), dir, "HOME="+filepath.Join(dir, "home"))
		bs.waitOutput("baresip is ready", 10*time.Second)
		door := startNode(t, "door", lab.door, testdata("door.wav"), nil)
		door.mustCtl("call", fmt.Sprintf("sip:bob@%s:%d", lab.inside.ip, port))
		door.waitState("connected", setupTimeout)
		span, _ := talk(t, door, door, 6*time.Second)
		door.mustCtl("hangup")
		door.waitState("idle", setupTimeout)
		bs.waitOutput("terminated", 10*time.Second)
		bs.stop()
		if err := door.stop(); err != nil {
			t.Error(err)
		}
		checkHears(t, door, span, testdata("inside.wav"), testdata("door.wav"), clean)
		checkPeerHears(t, "baresip", baresipHeard(t, dir), testdata("door.wav"), testdata("inside.wav"))
	})

	t.Run("baresip calls skoip", func(t *testing.T) {
		inside := startNode(t, "inside", lab.inside, testdata("inside.wav"), nil)
		port := peerPort(t, lab.door)
		dir := baresipConf(t, lab.door, port, testdata("door.wav"))
		bs := startPeer(t, "baresip", lab.door.command("baresip", "-f", dir, "-t", "40", "-e", "/dial sip:door@"+inside.sip), dir,
			"HOME="+filepath.Join(dir, "home"))
		inside.waitState("incoming", setupTimeout)
		inside.mustCtl("answer")
		inside.waitState("connected", setupTimeout)
		span, _ := talk(t, inside, inside, 6*time.Second)
		// baresip's aufile source ends the call when door.wav ends (9.6 s).
		inside.waitState("idle", 15*time.Second)
		bs.waitOutput("terminated", 10*time.Second)
		bs.stop()
		if err := inside.stop(); err != nil {
			t.Error(err)
		}
		checkHears(t, inside, span, testdata("door.wav"), testdata("inside.wav"), clean)
		checkPeerHears(t, "baresip", baresipHeard(t, dir), testdata("inside.wav"), testdata("door.wav"))
	})
}
