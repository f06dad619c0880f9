package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer collects a process's output for many readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// status is the part of `skoip ctl status` that the tests read.
type status struct {
	State     string            `json:"state"`
	Peer      string            `json:"peer"`
	CallID    string            `json:"call_id"`
	Codec     string            `json:"codec"`
	DurationS float64           `json:"duration_s"`
	RTPRx     uint64            `json:"rtp_rx"`
	RTPTx     uint64            `json:"rtp_tx"`
	SIP       string            `json:"sip"`
	LEDs      map[string]string `json:"leds"`
	Relay     *struct {
		Active bool `json:"active"`
		Pulses int  `json:"pulses"`
	} `json:"relay"`
	DoorOpened int               `json:"door_opened"`
	DND        bool              `json:"dnd"`
	Faults     map[string]string `json:"faults"`
	Audio      struct {
		Periods   uint64
		Underruns uint64
	} `json:"audio"`
	Media *struct {
		Lost           int64   `json:"lost"`
		JitterMS       float64 `json:"jitter_ms"`
		PlayoutDelayMS float64 `json:"playout_delay_ms"`
		Underruns      uint64  `json:"underruns"`
		Concealed      uint64  `json:"concealed"`
		ERLEDB         float64 `json:"erle_db"`
		EchoDelayMS    float64 `json:"echo_delay_ms"`
		NoiseDBFS      float64 `json:"noise_dbfs"`
	} `json:"media"`
	Goroutines int   `json:"goroutines"`
	RSS        int64 `json:"rss_bytes"`
	FDs        int   `json:"fds"`
}

// mediaOf is a connected node's media status; the test fails without one.
func mediaOf(t *testing.T, n *node) status {
	t.Helper()
	st, err := n.status()
	if err != nil || st.State != "connected" || st.Media == nil {
		t.Fatalf("%s: no media status while connected: %+v %v", n.name, st, err)
	}
	m := st.Media
	t.Logf("%s: %d RTP in, %d lost, jitter %.1f ms, playout delay %.1f ms, %d underruns, %d frames concealed",
		n.name, st.RTPRx, m.Lost, m.JitterMS, m.PlayoutDelayMS, m.Underruns, m.Concealed)
	return st
}

// ctl runs `skoip ctl --socket S ARGS...` and returns its output; a non-zero
// exit is an error that carries the output.
func (n *node) ctl(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, skoipBin, append([]string{"ctl", "--socket", n.sock}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s: skoip ctl %s: %v: %s", n.name, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// mustCtl is ctl that fails the test on error.
func (n *node) mustCtl(args ...string) {
	n.t.Helper()
	if _, err := n.ctl(args...); err != nil {
		n.t.Fatal(err)
	}
}

// status asks the control socket directly (cheaper than a process per poll).
func (n *node) status() (status, error) {
	var st status
	conn, err := net.DialTimeout("unix", n.sock, 2*time.Second)
	if err != nil {
		return st, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte("status\n")); err != nil {
		return st, err
	}
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(line, &st); err != nil {
		return st, fmt.Errorf("status %q: %w", line, err)
	}
	return st, nil
}

// pollInterval is how often waitFor asks a process for its status: the
// process is outside this test, so polling is the only way to watch it.
const pollInterval = 25 * time.Millisecond

// waitFor polls status until ok holds, and fails the test after timeout or
// when the process exits.
func (n *node) waitFor(what string, timeout time.Duration, ok func(status) bool) status {
	n.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var last status
	var lastErr error
	for {
		st, err := n.status()
		if err == nil && ok(st) {
			return st
		}
		last, lastErr = st, err
		select {
		case <-n.done:
			n.t.Fatalf("%s exited (%v) while waiting until %s", n.name, n.err, what)
		case <-deadline.C:
			n.t.Fatalf("%s: not %s after %v: last status %+v, err %v", n.name, what, timeout, last, lastErr)
		case <-tick.C:
		}
	}
}

// waitState waits until the call state is state.
func (n *node) waitState(state string, timeout time.Duration) status {
	n.t.Helper()
	return n.waitFor("in state "+state, timeout, func(s status) bool { return s.State == state })
}

// stop sends SIGTERM and waits for a clean exit (SIGKILL after 15 s).
func (n *node) stop() error {
	select {
	case <-n.done:
		return n.err
	default:
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
		return n.err
	case <-time.After(15 * time.Second):
		n.cmd.Process.Kill()
		<-n.done
		return fmt.Errorf("%s: no exit 15 s after SIGTERM", n.name)
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (n *node) kill() {
	n.cmd.Process.Kill()
	<-n.done
}

// logText is what the process wrote so far.
func (n *node) logText() string { return n.log.String() }

func (n *node) dumpLog() {
	n.t.Logf("---- log of %s (%s) ----\n%s", n.name, n.host.ip, tail(n.logText(), 12000))
}

func tail(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return "...\n" + s[len(s)-max:]
}

// logged says whether the process's log contains substr, waiting up to 5 s
// for it: the log comes through a pipe, so a line may follow what the
// control socket already shows. For what must be there; a check that a
// line is absent reads logText.
func (n *node) logged(substr string) bool { return n.loggedMore(substr, 0) }

// loggedMore is logged for a log that held substr seen times already: it
// waits for one more.
func (n *node) loggedMore(substr string, seen int) bool {
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(n.logText(), substr) <= seen {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pollInterval)
	}
	return true
}

// waitLog waits until the process's log contains substr.
func (n *node) waitLog(substr string, timeout time.Duration) {
	n.t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(n.logText(), substr) {
		if time.Now().After(deadline) {
			n.t.Fatalf("%s: log never contained %q", n.name, substr)
		}
		select {
		case <-n.done:
			if !strings.Contains(n.logText(), substr) {
				n.t.Fatalf("%s exited (%v); its log never contained %q", n.name, n.err, substr)
			}
			return
		case <-time.After(pollInterval):
		}
	}
}
