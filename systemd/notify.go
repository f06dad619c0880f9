package systemd

import (
	"fmt"
	"net"
	"os"
	"strings"
)

// Notify sends state (newline-separated VAR=VALUE assignments, as in
// sd_notify(3)) to the service manager. It returns false and no error when
// $NOTIFY_SOCKET is unset (not running under systemd, or Type= is not
// notify), true when the datagram was sent.
func Notify(state string) (bool, error) {
	return NotifySocket(os.Getenv("NOTIFY_SOCKET"), state)
}

// NotifySocket is Notify with the socket given instead of read from the
// environment: a path, or an abstract socket name with a leading '@'.
// An empty socket is a no-op.
func NotifySocket(socket, state string) (bool, error) {
	if socket == "" {
		return false, nil
	}
	if state == "" {
		return false, ErrBadState
	}
	if socket[0] != '/' && socket[0] != '@' {
		return false, fmt.Errorf("systemd.Notify: %q: %w", socket, ErrBadSocket)
	}
	// Go maps a leading '@' to the abstract namespace (a leading NUL byte).
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: socket, Net: "unixgram"})
	if err != nil {
		return false, fmt.Errorf("systemd.Notify: net.DialUnix: %w", err)
	}
	_, werr := conn.Write([]byte(state))
	cerr := conn.Close()
	if werr != nil {
		return false, fmt.Errorf("systemd.Notify: write: %w", werr)
	}
	if cerr != nil {
		return false, fmt.Errorf("systemd.Notify: close: %w", cerr)
	}
	return true, nil
}

// Ready tells the service manager that start-up is complete (READY=1):
// with Type=notify, the unit becomes active and its dependents start.
func Ready() (bool, error) { return Notify("READY=1") }

// Stopping tells the service manager that the service is shutting down.
func Stopping() (bool, error) { return Notify("STOPPING=1") }

// Watchdog resets the watchdog timer (WATCHDOG=1). Call it at least every
// WatchdogInterval()/2 from the loop whose health it vouches for.
func Watchdog() (bool, error) { return Notify("WATCHDOG=1") }

// Status sets the one-line status shown by `systemctl status` (STATUS=).
// Line breaks in s are replaced by spaces: a newline would start another
// assignment.
func Status(s string) (bool, error) {
	return Notify("STATUS=" + strings.Map(oneLine, s))
}

func oneLine(r rune) rune {
	if r == '\n' || r == '\r' {
		return ' '
	}
	return r
}
