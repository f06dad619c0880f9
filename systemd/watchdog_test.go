package systemd

import (
	"os"
	"strconv"
	"testing"
	"time"
)

func TestWatchdogInterval(t *testing.T) {
	const self = 4242
	cases := []struct {
		usec, pid string
		want      time.Duration
		ok        bool
	}{
		{"10000000", "", 10 * time.Second, true},
		{"10000000", "4242", 10 * time.Second, true},
		{"500", "4242", 500 * time.Microsecond, true},
		{"10000000", "4243", 0, false}, // armed for another process
		{"10000000", "x", 0, false},
		{"", "4242", 0, false},
		{"0", "", 0, false},
		{"-5", "", 0, false},
		{"ten", "", 0, false},
		{"18446744073709551615", "", 0, false}, // overflows a Duration
	}
	for _, c := range cases {
		got, ok := watchdogInterval(c.usec, c.pid, self)
		if got != c.want || ok != c.ok {
			t.Errorf("watchdogInterval(%q, %q) = %v, %v; want %v, %v", c.usec, c.pid, got, ok, c.want, c.ok)
		}
	}
}

func TestWatchdogIntervalFromEnvironment(t *testing.T) {
	t.Setenv("WATCHDOG_USEC", "10000000")
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()))
	if d, ok := WatchdogInterval(); !ok || d != 10*time.Second {
		t.Errorf("WatchdogInterval() = %v, %v; want 10s, true", d, ok)
	}
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()+1))
	if _, ok := WatchdogInterval(); ok {
		t.Error("watchdog armed for another pid reported as ours")
	}
}
