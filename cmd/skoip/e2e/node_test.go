package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// node is one running `skoip run` process.
type node struct {
	t       *testing.T
	name    string
	host    host
	dir     string
	sock    string
	logPath string
	play    string // playback WAV with backend "file"
	cmd     *exec.Cmd
	done    chan struct{}
	err     error // set when done is closed
	log     *syncBuffer
	sip     string // SIP address read from status
	started time.Time
}

// settings are TOML keys "section.key" to raw TOML values.
type settings map[string]string

// g711 is media.codecs for the tests that read G.711 off the wire (the
// captures' payload types 0, 8, 13 and 101 and their decoded audio) or
// whose peer is set up for it: the default list puts Opus first.
const g711 = `["PCMU", "PCMA"]`

var portSeq atomic.Int64

// defaults is a config for tests: speech from a WAV file in real time, the
// playback recorded to a WAV file, 8 kHz, no mic processing (so that the
// recording can be compared with the source; the rooms of room_test.go
// turn it on), a short RTP timeout.
func defaults(h host, dir, capture string) settings {
	// A block of RTP ports of its own: loopback nodes share one port space.
	base := 20000 + 40*int((int64(os.Getpid())*7+portSeq.Add(1))%500)
	return settings{
		"sip.listen":           q(h.ip + ":0"),
		"audio.backend":        q("file"),
		"audio.capture":        q(capture),
		"audio.playback":       q(filepath.Join(dir, "playback.wav")),
		"audio.sample_rate":    "8000",
		"audio.period":         q(nodePeriod.String()),
		"audio.agc":            "false",
		"audio.high_pass":      "false",
		"audio.echo_cancel":    "false",
		"audio.noise_suppress": q("off"),
		"media.rtp_ports":      q(fmt.Sprintf("%d-%d", base, base+39)),
		"media.rtp_timeout":    q("3s"),
		"calls.ring_timeout":   q("20s"),
		"door.code":            q("1234"),
		"door.pulse":           q("300ms"),
		"control.socket":       q(filepath.Join(dir, "ctl.sock")),
		"state.dir":            q(filepath.Join(dir, "state")),
		"log.level":            q("debug"),
	}
}

func q(s string) string { return fmt.Sprintf("%q", s) }

// toml renders s with one table per section.
func (s settings) toml() string {
	bySection := map[string][]string{}
	for k, v := range s {
		sec, key, _ := strings.Cut(k, ".")
		bySection[sec] = append(bySection[sec], key+" = "+v)
	}
	secs := make([]string, 0, len(bySection))
	for sec := range bySection {
		secs = append(secs, sec)
	}
	sort.Strings(secs)
	var b strings.Builder
	for _, sec := range secs {
		sort.Strings(bySection[sec])
		fmt.Fprintf(&b, "[%s]\n%s\n\n", sec, strings.Join(bySection[sec], "\n"))
	}
	return b.String()
}

// startNode runs skoip on h with the defaults changed by over; it waits
// until the control socket answers. The process is stopped by t.Cleanup.
func startNode(t *testing.T, name string, h host, capture string, over settings) *node {
	t.Helper()
	n := launchNode(t, name, h, capture, over)
	n.ready()
	return n
}

// launchNode starts skoip and returns at once.
func launchNode(t *testing.T, name string, h host, capture string, over settings) *node {
	t.Helper()
	return launchNodeExtra(t, name, h, capture, over, "")
}

// launchNodeExtra is launchNode with extra TOML (array tables such as
// [[groups]]) after the settings' tables.
func launchNodeExtra(t *testing.T, name string, h host, capture string, over settings, extra string) *node {
	t.Helper()
	return launchNodeBin(t, skoipBin, name, h, capture, over, extra)
}

// launchNodeBin is launchNodeExtra with another skoip binary (make bench's
// static build).
func launchNodeBin(t *testing.T, bin, name string, h host, capture string, over settings, extra string) *node {
	t.Helper()
	dir := t.TempDir()
	s := defaults(h, dir, capture)
	for k, v := range over {
		if v == "" {
			delete(s, k)
		} else {
			s[k] = v
		}
	}
	cfg := filepath.Join(dir, "skoip.toml")
	if err := os.WriteFile(cfg, []byte(s.toml()+extra), 0o644); err != nil {
		t.Fatal(err)
	}
	n := &node{t: t, name: name, host: h, dir: dir, sock: filepath.Join(dir, "ctl.sock"),
		logPath: filepath.Join(dir, "skoip.log"), play: filepath.Join(dir, "playback.wav"),
		done: make(chan struct{}), log: &syncBuffer{}}
	n.cmd = h.command(bin, "run", "--config", cfg)
	n.cmd.Stdout = n.log
	n.cmd.Stderr = n.log
	n.started = time.Now()
	if err := n.cmd.Start(); err != nil {
		t.Fatalf("%s: start: %v", name, err)
	}
	go func() {
		n.err = n.cmd.Wait()
		close(n.done)
	}()
	t.Cleanup(func() {
		n.stop()
		if t.Failed() {
			n.dumpLog()
		}
	})
	return n
}

// ready waits until the control socket answers and reads the SIP address.
func (n *node) ready() {
	n.t.Helper()
	st := n.waitFor("the control socket answers", 20*time.Second, func(status) bool { return true })
	n.sip = st.SIP
}
