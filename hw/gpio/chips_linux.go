//go:build linux

package gpio

import (
	"fmt"
	"log/slog"

	"periph.io/x/conn/v3/driver/driverreg"
	"periph.io/x/host/v3/gpioioctl"
)

// Open finds the machine's GPIO chips through gpioioctl (only that driver:
// never host.Init) and returns Lines that look pins up by line name. It
// returns ErrNoChips where there is no /dev/gpiochip*.
func Open(log *slog.Logger) (*Lines, error) {
	if _, err := driverreg.Init(); err != nil {
		return nil, fmt.Errorf("gpio.Open: driverreg.Init: %w", err)
	}
	if len(gpioioctl.Chips) == 0 {
		return nil, fmt.Errorf("gpio.Open: %w", ErrNoChips)
	}
	return NewLines(lookup, log), nil
}

func lookup(name string) Pin {
	for _, c := range gpioioctl.Chips {
		if l := c.ByName(name); l != nil {
			return l
		}
	}
	return nil
}

// Chips describes the GPIO chips of the machine; none (and no error) where
// there are none.
func Chips() ([]ChipInfo, error) {
	if _, err := driverreg.Init(); err != nil {
		return nil, fmt.Errorf("gpio.Chips: driverreg.Init: %w", err)
	}
	var out []ChipInfo
	for _, c := range gpioioctl.Chips {
		ci := ChipInfo{Name: c.Name(), Label: c.Label(), Path: c.Path(), Lines: c.LineCount()}
		for _, l := range c.Lines() {
			ci.LineNames = append(ci.LineNames, l.Name())
		}
		out = append(out, ci)
	}
	return out, nil
}
