package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration written as a string ("300ms", "5s").
// A malformed value does not stop decoding: Validate reports it with the
// file, line and key, together with every other problem.
type Duration struct {
	time.Duration
	raw string
	err error
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	d.raw = string(b)
	d.Duration, d.err = time.ParseDuration(d.raw)
	if d.err != nil {
		d.err = fmt.Errorf("%q is not a duration (write e.g. \"500ms\", \"5s\", \"2m\")", d.raw)
	}
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.Duration.String()), nil }

// PortRange is an inclusive UDP port range written "first-last".
type PortRange struct {
	First, Last int
	raw         string
	err         error
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *PortRange) UnmarshalText(b []byte) error {
	r.raw = string(b)
	r.First, r.Last, r.err = parsePortRange(r.raw)
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (r PortRange) MarshalText() ([]byte, error) {
	return []byte(fmt.Sprintf("%d-%d", r.First, r.Last)), nil
}

func parsePortRange(s string) (first, last int, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not a port range (write \"first-last\", e.g. \"16384-16483\")", s)
	}
	if first, err = parsePort(a); err != nil {
		return 0, 0, err
	}
	if last, err = parsePort(b); err != nil {
		return 0, 0, err
	}
	switch {
	case first < 1024:
		return 0, 0, fmt.Errorf("port range %q starts below 1024 (privileged ports)", s)
	case first%2 != 0:
		return 0, 0, fmt.Errorf("port range %q must start on an even port (RTP even, RTCP odd)", s)
	case last < first+1:
		return 0, 0, fmt.Errorf("port range %q must hold at least one RTP/RTCP pair", s)
	}
	return first, last, nil
}

func parsePort(s string) (int, error) {
	p, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("port %q is not a number between 1 and 65535", s)
	}
	return p, nil
}
