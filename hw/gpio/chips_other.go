//go:build !linux

package gpio

import (
	"fmt"
	"log/slog"
)

// Open returns ErrUnsupported: the GPIO character device is Linux only.
func Open(log *slog.Logger) (*Lines, error) {
	return nil, fmt.Errorf("gpio.Open: %w", ErrUnsupported)
}

// Chips returns no chips outside Linux.
func Chips() ([]ChipInfo, error) { return nil, nil }
