//go:build !linux

package audio

import (
	"errors"
	"time"
)

// timerFD exists on Linux only; elsewhere paced devices use Config.Clock.
type timerFD struct{}

func newTimerFD(time.Duration) (*timerFD, error) { return nil, errors.ErrUnsupported }

func (*timerFD) wait() (uint64, error) { return 0, errors.ErrUnsupported }

func (*timerFD) close() error { return nil }
