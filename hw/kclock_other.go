//go:build !linux

package hw

import "errors"

// KernelClock exists on Linux only (kclock_linux.go); elsewhere
// NewKernelClock fails and callers use SystemClock.
type KernelClock struct{ systemClock }

var errNoKernelClock = errors.New("hw: no kernel clock on this system")

func NewKernelClock() (*KernelClock, error) { return nil, errNoKernelClock }

func (*KernelClock) Close() error { return nil }
