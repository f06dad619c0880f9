package e2e

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// peer is a real SIP program (baresip, linphonec, sipp) running on a host.
type peer struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error
}

// needTool skips the test when a peer program is missing, except in CI
// (where `make test` installs it), where it fails.
func needTool(t *testing.T, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not installed (Debian package %s)", name, pkg)
		}
		t.Skipf("%s not installed: apt-get install -y --no-install-recommends %s", name, pkg)
	}
}

// startPeer runs cmd (made by host.command) in dir with env added; it is
// stopped by t.Cleanup, and its output is logged if the test failed.
func startPeer(t *testing.T, name string, cmd *exec.Cmd, dir string, env ...string) *peer {
	t.Helper()
	p := &peer{t: t, name: name, cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("---- output of %s ----\n%s", name, tail(p.out.String(), 8000))
		}
	})
	return p
}

// stop ends the peer (SIGTERM, then SIGKILL after 5 s).
func (p *peer) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// wait waits for the peer to exit by itself and returns its exit error.
func (p *peer) wait(timeout time.Duration) error {
	p.t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.t.Fatalf("%s did not finish in %v", p.name, timeout)
		return nil
	}
}

// waitOutput waits until the peer's output contains substr.
func (p *peer) waitOutput(substr string, timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(p.out.String(), substr) {
		select {
		case <-p.done:
			if strings.Contains(p.out.String(), substr) {
				return
			}
			p.t.Fatalf("%s exited (%v) without printing %q", p.name, p.err, substr)
		case <-time.After(pollInterval):
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s never printed %q in %v", p.name, substr, timeout)
		}
	}
}
