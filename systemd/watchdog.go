package systemd

import (
	"os"
	"strconv"
	"time"
)

// WatchdogInterval returns the watchdog timeout that the service manager
// set for this process ($WATCHDOG_USEC, WatchdogSec= in the unit) and true,
// or false when no watchdog is armed for this process: $WATCHDOG_USEC unset
// or invalid, or $WATCHDOG_PID naming another process. Ping with Watchdog()
// at half the interval.
func WatchdogInterval() (time.Duration, bool) {
	return watchdogInterval(os.Getenv("WATCHDOG_USEC"), os.Getenv("WATCHDOG_PID"), os.Getpid())
}

// watchdogInterval is WatchdogInterval on given values, as sd_watchdog_enabled(3).
func watchdogInterval(usec, pid string, self int) (time.Duration, bool) {
	if usec == "" {
		return 0, false
	}
	us, err := strconv.ParseUint(usec, 10, 63)
	if err != nil || us == 0 || us > uint64(1<<63-1)/uint64(time.Microsecond) {
		return 0, false
	}
	if pid != "" {
		p, err := strconv.Atoi(pid)
		if err != nil || p != self {
			return 0, false
		}
	}
	return time.Duration(us) * time.Microsecond, true
}
