package rtpsess

import "time"

// ntpEpochOffset is the number of seconds from 1900-01-01 to 1970-01-01.
const ntpEpochOffset = 2208988800

// toNTP converts a wall-clock time to a 64-bit NTP timestamp (32.32 fixed).
func toNTP(t time.Time) uint64 {
	sec := uint64(t.Unix()) + ntpEpochOffset
	frac := (uint64(t.Nanosecond()) << 32) / 1e9
	return sec<<32 | frac
}

// ntpMiddle is the middle 32 bits of an NTP timestamp, the unit of LSR.
func ntpMiddle(ntp uint64) uint32 { return uint32(ntp >> 16) }

// fromNTPShort converts a 16.16 fixed-point duration (DLSR, RTT) to time.
func fromNTPShort(v uint32) time.Duration {
	return time.Duration((uint64(v) * uint64(time.Second)) >> 16)
}

// toNTPShort converts a duration to 16.16 fixed point (units of 1/65536 s).
func toNTPShort(d time.Duration) uint32 {
	if d < 0 {
		return 0
	}
	return uint32((uint64(d) << 16) / uint64(time.Second))
}
