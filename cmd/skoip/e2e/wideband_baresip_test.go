package e2e

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/impair"
)

// wbPorts serialises choosing ports and starting the processes that bind
// them, between the benchmark's calls that run at the same time.
var wbPorts sync.Mutex

// wbBaresip is one call between two baresip 1.0.0 on loopback with codec
// c, set up as wbSKOIP's: the talker plays tk's speech with aufile (which
// ends the call a second or so after the file ends), the listener answers
// by itself; their RTP goes through an impairment relay.
//
// baresip 1.0.0 has no player that writes a file (aufile is only a
// source there), so the listener plays into aubridge, which hands what is
// played, in real time (a thread paced at 20 ms), to its source: the
// sndfile module records that as the audio it encodes back to the talker.
// The recording is then what the listener played out, its playout
// buffer's underruns and delay changes included, as SKOIP's playback
// file is. The listener's devices run at the codec's rate, so that no
// resampler of baresip's is between its decoder and the recording, and
// its plc module conceals losses for the codecs without concealment of
// their own (G.711, G.722).
func wbBaresip(t *testing.T, c wbCodec, imp impair.Config, tk *wbTalker) wbCall {
	lo := host{ip: "127.0.0.1"}
	wbPorts.Lock()
	locked := true
	defer func() {
		if locked {
			wbPorts.Unlock()
		}
	}()
	lPort, lRTP := freeUDPPort(t, 5060, 5100, 2), freeEvenPair(t)
	lDir := wbBaresipConf(t, lPort, lRTP, "aubridge,played", c.bsRate, c, true)
	start := time.Now()
	listener := startPeer(t, "baresip listener", lo.command("baresip", "-f", lDir, "-t", "120"), lDir, "HOME="+filepath.Join(lDir, "home"))
	waitListening(t, start, lPort)
	listener.waitOutput("baresip is ready", 10*time.Second)
	pair, err := impair.NewPair(imp, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(lRTP)))
	if err != nil {
		t.Fatal(err)
	}
	defer pair.Close()
	alg := newSIPALG(t, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(lPort)), pair.OutPort(), pair.ListenPort())
	tPort, tRTP := freeUDPPort(t, 5060, 5100, 2), freeEvenPair(t)
	tDir := wbBaresipConf(t, tPort, tRTP, "aufile,"+tk.baresip, wbRate, c, false)
	start = time.Now()
	talker := startPeer(t, "baresip talker", lo.command("baresip", "-f", tDir, "-t", "120", "-e", "/dial sip:bob@"+alg.Addr()),
		tDir, "HOME="+filepath.Join(tDir, "home"))
	waitListening(t, start, tPort)
	wbPorts.Unlock()
	locked = false

	talker.waitOutput("Call established", setupTimeout)
	for _, p := range []*peer{talker, listener} {
		p.waitOutput("Set audio decoder: "+c.bsName+" ", setupTimeout)
	}
	cpu0 := [2]benchSide{sideStats(t, talker.cmd.Process.Pid), sideStats(t, listener.cmd.Process.Pid)}
	started := time.Now()
	// aufile starts with the call: the speech ends lead + speech later.
	select {
	case <-time.After(wbBaresipLead + wbDuration(len(tk.speech)) + wbPlayout):
	case <-talker.done:
		t.Fatalf("baresip talker exited during the speech: %v", talker.err)
	}
	cpu1 := [2]benchSide{sideStats(t, talker.cmd.Process.Pid), sideStats(t, listener.cmd.Process.Pid)}
	var call wbCall
	call.cpuTalker, call.cpuListener = per30(cpu0[0], cpu1[0], started), per30(cpu0[1], cpu1[1], started)
	talker.waitOutput("terminated", 15*time.Second)
	listener.waitOutput("terminated", setupTimeout)
	call.relay = pair.RTP.Stats()
	talker.stop()
	listener.stop()
	call.played = wbBaresipHeard(t, lDir)
	return call
}

// wbBaresipConf writes a headless baresip configuration: SIP on
// 127.0.0.1:port, RTP on the even port rtp (and RTCP on rtp+1), codec c
// only, audio from source and played into the aubridge device of the
// same name (aubridge,nil: nowhere), devices at rate Hz mono (baresip
// resamples to and from the codec's rate), and when record is set the
// sndfile and plc modules.
func wbBaresipConf(t *testing.T, port, rtp int, source string, rate int, c wbCodec, record bool) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"snd", "home"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	player := "aubridge,nil"
	if strings.HasPrefix(source, "aubridge,") {
		player = source
	}
	filters := ""
	if record {
		filters = "module sndfile.so\nmodule plc.so\n"
	}
	conf := fmt.Sprintf(`poll_method epoll
sip_listen 127.0.0.1:%[1]d
net_interface 127.0.0.1
rtp_ports %[2]d-%[3]d
audio_source %[4]s
audio_player %[9]s
audio_alert aubridge,nil
ausrc_srate %[5]d
auplay_srate %[5]d
ausrc_channels 1
auplay_channels 1
module_path /usr/lib/baresip/modules
module g711.so
module g722.so
module opus.so
module aufile.so
module aubridge.so
%[6]smodule uuid.so
module account.so
module menu.so
snd_path %[7]s
%[8]s`, port, rtp, rtp+1, source, rate, filters, filepath.Join(dir, "snd"), c.bsConf, player)
	acc := fmt.Sprintf("<sip:bob@127.0.0.1:%d;transport=udp>;regint=0;answermode=auto;audio_codecs=%s\n", port, c.baresip)
	for name, body := range map[string]string{"config": conf, "accounts": acc} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// wbBaresipHeard is what the listener played (sndfile's -enc.wav of the
// audio aubridge looped back, at the codec's rate) brought to wbRate by
// sox.
func wbBaresipHeard(t *testing.T, dir string) []int16 {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "snd", "*-enc.wav"))
	if len(files) != 1 {
		t.Fatalf("baresip recorded %d streams it played, want 1", len(files))
	}
	out := filepath.Join(dir, "heard.wav")
	if b, err := exec.Command("sox", files[0], "-r", fmt.Sprint(wbRate), "-c", "1", "-b", "16", out).CombinedOutput(); err != nil {
		t.Fatalf("sox %s: %v\n%s", files[0], err, b)
	}
	return mustReadWAV(t, out)
}
