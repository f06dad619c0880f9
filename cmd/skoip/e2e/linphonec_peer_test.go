package e2e

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// linphonec is a running linphonec (linphone-cli 5.1) driven on its stdin.
//
// Headless, it needs three things: a HOME of its own with the folder
// ~/.local/share/linphone already made (without it the database cannot be
// opened and linphonec never opens its SIP port, printing only an error in
// its debug log), file audio ("soundcard use files", then "play" and
// "record"), and a stdin that stays open (at end of input it spins at 100%
// CPU): a pipe that the test holds until it sends "quit".
type linphonec struct {
	*peer
	in  io.WriteCloser
	rec string // what linphonec heard (its "record" file)
}

// linphonecRC is the linphonerc of a headless peer on ip:port: UDP only,
// no IPv6, no echo canceller, its default codecs, RTP in 10200-10299
// (baresip has 10000-10100). [rtp] bind_address is also the address in its
// SDP: without it linphonec takes the source address of its route to the
// Internet, which is 127.0.0.1 in a namespace without a default route and
// the machine's own address on loopback, and it hears nothing.
func linphonecRC(ip string, port int) string {
	return fmt.Sprintf(`[sip]
sip_port=%[2]d
sip_tcp_port=0
sip_tls_port=0
bind_address=%[1]s
contact=sip:bob@%[1]s:%[2]d
ipv6_enabled=0
[rtp]
bind_address=%[1]s
audio_rtp_port=10200-10299
audio_jitt_comp=60
[sound]
echocancellation=0
`, ip, port)
}

// startLinphonec runs linphonec on h at port (auto-answering if answer),
// sending speech from wav and recording what it hears. It returns at the
// first prompt, which linphonec prints after it opened its SIP port.
func startLinphonec(t *testing.T, h host, port int, wav string, answer bool) *linphonec {
	t.Helper()
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(filepath.Join(home, ".local", "share", "linphone"), 0o700); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(dir, "linphonerc")
	if err := os.WriteFile(rc, []byte(linphonecRC(h.ip, port)), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-c", rc, "-d", "5", "-l", filepath.Join(dir, "linphonec.log")}
	if answer {
		args = append(args, "-a")
	}
	cmd := h.command("linphonec", args...)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	l := &linphonec{in: in, rec: filepath.Join(dir, "heard.wav")}
	l.peer = startPeer(t, "linphonec", cmd, dir, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"), "XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_RUNTIME_DIR="+filepath.Join(dir, "run"), "PULSE_SERVER=unix:"+filepath.Join(dir, "no-pulse"))
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "linphonec.log"))
			t.Logf("---- log of linphonec ----\n%s", tail(string(log), 12000))
		}
	})
	l.waitOutput("linphonec>", 10*time.Second)
	l.send("soundcard use files")
	l.waitOutput("Using wav files instead of soundcard", 5*time.Second)
	l.send("play " + wav)
	l.send("record " + l.rec)
	return l
}

// send writes one command line to linphonec's stdin.
func (l *linphonec) send(line string) {
	l.t.Helper()
	if _, err := io.WriteString(l.in, line+"\n"); err != nil {
		l.t.Fatalf("linphonec: %s: %v", line, err)
	}
}

// quit asks linphonec to exit and waits for it.
func (l *linphonec) quit() {
	l.t.Helper()
	l.send("quit")
	if err := l.wait(15 * time.Second); err != nil {
		l.t.Errorf("linphonec: exit after quit: %v", err)
	}
}

// heard is linphonec's recording of what it received.
func (l *linphonec) heard() []int16 {
	l.t.Helper()
	rate, rec, err := readWAV(l.rec)
	if err != nil {
		l.t.Fatal(err)
	}
	if rate != 8000 {
		l.t.Fatalf("linphonec recorded at %d Hz, want 8000", rate)
	}
	return rec
}
