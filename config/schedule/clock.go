package schedule

import (
	"fmt"
	"os"
	"time"
)

// Clock is the time a schedule is followed by, and whether it can be
// trusted. Tests use their own.
type Clock interface {
	Now() time.Time
	// Valid reports whether Now can be trusted for schedules; when not,
	// reason says why.
	Valid() (ok bool, reason string)
}

// minYear: a clock that reads an earlier year has not been set (a
// Raspberry Pi without a battery-backed clock boots in 1970, or at the
// time fake-hwclock last saved).
const minYear = 2024

// timesyncMarker is created by systemd-timesyncd once it has set the clock.
const timesyncMarker = "/run/systemd/timesync/synchronized"

// SystemClock returns the system's clock. Its Valid is false when the clock
// reads a year before 2024, and otherwise true when the kernel reports the
// clock synchronised (adjtimex(2)) or systemd-timesyncd has created
// /run/systemd/timesync/synchronized.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Valid() (bool, string) {
	return validClock(time.Now(), synchronised)
}

// synchronised says whether the kernel or systemd-timesyncd says the clock
// is synchronised.
func synchronised() bool {
	if kernelSynchronised() {
		return true
	}
	_, err := os.Stat(timesyncMarker)
	return err == nil
}

// validClock is Valid for a clock reading now; synced is asked only when
// the year is plausible.
func validClock(now time.Time, synced func() bool) (bool, string) {
	if now.Year() < minYear {
		return false, fmt.Sprintf("clock not set (it reads %s, before %d)", now.UTC().Format("2006-01-02 15:04 MST"), minYear)
	}
	if !synced() {
		return false, "clock not synchronised (no NTP)"
	}
	return true, ""
}
