//go:build !linux

// Package timerfd is a Linux timerfd; elsewhere New fails and callers use
// Go timers.
package timerfd

import (
	"errors"
	"time"
)

// Timer exists on Linux only.
type Timer struct{}

func New() (*Timer, error) { return nil, errors.ErrUnsupported }

func (*Timer) Set(time.Duration, time.Duration) error { return errors.ErrUnsupported }

func (*Timer) Wait() (uint64, error) { return 0, errors.ErrUnsupported }

func (*Timer) Close() error { return nil }
