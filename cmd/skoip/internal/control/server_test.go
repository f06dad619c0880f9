package control

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/skoip/skoip/hw/hwtest"
)

// flakyListener fails its first fails Accepts with EMFILE, as accept(2)
// does when the process is at its file limit.
type flakyListener struct {
	net.Listener
	mu    sync.Mutex
	fails int
}

func (l *flakyListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	fail := l.fails > 0
	if fail {
		l.fails--
	}
	l.mu.Unlock()
	if fail {
		return nil, &net.OpError{Op: "accept", Net: "unix", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// syncBuffer is a log destination that the server's goroutine writes and
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// testControl listens on a socket in a temporary folder with one command,
// ping, and the fake clock clk; serve runs until the test ends.
func testControl(t *testing.T, clk *hwtest.Clock, logs *syncBuffer, wrap func(net.Listener) net.Listener) (*Server, func()) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ctl.sock")
	h := map[string]Handler{"ping": func(context.Context, []string) (any, error) { return map[string]string{"pong": "yes"}, nil }}
	s, err := Listen(path, h, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	s.clock = clk
	if wrap != nil {
		s.ln = wrap(s.ln)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Serve(ctx) }()
	return s, func() { cancel(); <-done }
}

// guard bounds every wait: it only guards against a hang.
const guard = 5 * time.Second

// waitUntil polls cond; the deadline only guards against a hang.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func ping(t *testing.T, path string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	reply, err := Request(ctx, path, "ping")
	if err != nil {
		t.Fatal(err)
	}
	return reply
}

// TestControlKeepsServingAfterAcceptFails: failed accepts back off from
// 5 ms, doubling to 1 s, log once per 10 s, and the socket keeps working.
func TestControlKeepsServingAfterAcceptFails(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	clk := hwtest.NewClock(time.Unix(1_000_000, 0))
	var logs syncBuffer
	want := []time.Duration{5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000}
	s, stop := testControl(t, clk, &logs, func(ln net.Listener) net.Listener {
		return &flakyListener{Listener: ln, fails: len(want)}
	})
	for i, d := range want {
		d *= time.Millisecond
		waitUntil(t, "the backoff timer", func() bool { return clk.Pending() == 1 })
		clk.Advance(d - time.Nanosecond)
		if clk.Pending() != 1 {
			t.Fatalf("failure %d: retried before %v", i+1, d)
		}
		clk.Advance(time.Nanosecond)
	}
	if got := ping(t, s.path); got != `{"pong":"yes"}` {
		t.Fatalf("after the failures: %q", got)
	}
	if fi, err := os.Stat(s.path); err != nil || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("socket file after the failures: %v", err)
	}
	if n := strings.Count(logs.String(), "accept failed"); n != 1 {
		t.Errorf("%d log lines for 10 failures within 3 s, want 1:\n%s", n, logs.String())
	}
	stop()
	if _, err := os.Stat(s.path); !os.IsNotExist(err) {
		t.Errorf("socket left behind after the end: %v", err)
	}
}

// TestControlStopsWhileBackingOff: the end of ctx ends a backoff at once.
func TestControlStopsWhileBackingOff(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	clk := hwtest.NewClock(time.Unix(1_000_000, 0))
	var logs syncBuffer
	_, stop := testControl(t, clk, &logs, func(ln net.Listener) net.Listener {
		return &flakyListener{Listener: ln, fails: 1 << 30}
	})
	waitUntil(t, "the backoff timer", func() bool { return clk.Pending() == 1 })
	stop()
}

// TestControlCapsConnections: beyond maxControlConns at once, a connection
// gets a busy reply; once they go, commands work again.
func TestControlCapsConnections(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var logs syncBuffer
	s, stop := testControl(t, hwtest.NewClock(time.Unix(1_000_000, 0)), &logs, nil)
	defer stop()
	var idle []net.Conn
	for range maxControlConns {
		c, err := net.Dial("unix", s.path)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	// Connections are accepted in order: the next one finds every slot taken.
	if got := ping(t, s.path); !strings.Contains(got, `"error":"busy`) {
		t.Fatalf("connection %d: %q, want busy", maxControlConns+1, got)
	}
	for _, c := range idle {
		c.Close()
	}
	waitUntil(t, "the idle connections to end", func() bool { return len(s.slots) == 0 })
	if got := ping(t, s.path); got != `{"pong":"yes"}` {
		t.Fatalf("after the idle connections ended: %q", got)
	}
}
