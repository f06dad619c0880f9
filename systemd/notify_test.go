package systemd

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// listenNotify makes the datagram socket that systemd would own and points
// $NOTIFY_SOCKET at it.
func listenNotify(t *testing.T, name string) *net.UnixConn {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatalf("listen %s: %v", name, err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", name)
	return conn
}

// receive reads one datagram, failing the test after a generous timeout.
func receive(t *testing.T, conn *net.UnixConn) string {
	t.Helper()
	if err := conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatalf("no notification received: %v", err)
	}
	return string(buf[:n])
}

func TestNotifyMessages(t *testing.T) {
	conn := listenNotify(t, filepath.Join(t.TempDir(), "notify"))
	cases := []struct {
		name string
		send func() (bool, error)
		want string
	}{
		{"Ready", Ready, "READY=1"},
		{"Status", func() (bool, error) { return Status("connected to 10.0.0.2") }, "STATUS=connected to 10.0.0.2"},
		{"StatusOneLine", func() (bool, error) { return Status("a\nREADY=1\r") }, "STATUS=a READY=1 "},
		{"Watchdog", Watchdog, "WATCHDOG=1"},
		{"Stopping", Stopping, "STOPPING=1"},
		{"Notify", func() (bool, error) { return Notify("READY=1\nSTATUS=idle") }, "READY=1\nSTATUS=idle"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sent, err := c.send()
			if err != nil || !sent {
				t.Fatalf("sent=%v err=%v, want true, nil", sent, err)
			}
			if got := receive(t, conn); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestNotifyAbstractSocket(t *testing.T) {
	name := fmt.Sprintf("@skoip-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	conn := listenNotify(t, name)
	if sent, err := Ready(); err != nil || !sent {
		t.Fatalf("sent=%v err=%v", sent, err)
	}
	if got := receive(t, conn); got != "READY=1" {
		t.Errorf("got %q", got)
	}
	// The name lives in the abstract namespace: no file was created.
	if _, err := os.Stat(name); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file %q exists: %v", name, err)
	}
}

func TestNotifyWithoutSocketIsNoop(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	for _, f := range []func() (bool, error){Ready, Stopping, Watchdog} {
		if sent, err := f(); sent || err != nil {
			t.Errorf("sent=%v err=%v, want false, nil", sent, err)
		}
	}
}

func TestNotifyErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		socket, state string
		want          error
	}{
		{"relative/path", "READY=1", ErrBadSocket},
		{"vsock:2:1234", "READY=1", ErrBadSocket},
		{filepath.Join(dir, "nobody-listens"), "READY=1", os.ErrNotExist},
		{filepath.Join(dir, "x"), "", ErrBadState},
	}
	for _, c := range cases {
		sent, err := NotifySocket(c.socket, c.state)
		if sent || !errors.Is(err, c.want) {
			t.Errorf("NotifySocket(%q, %q) = %v, %v; want false, %v", c.socket, c.state, sent, err, c.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "systemd") {
			t.Errorf("error %q does not name the package", err)
		}
	}
}
