package gpio

import (
	"fmt"
	"io"
	"strings"
)

// ChipInfo describes one GPIO chip for `skoip devices`.
type ChipInfo struct {
	Name      string // "gpiochip0"
	Label     string // "pinctrl-rp1"
	Path      string // "/dev/gpiochip0"
	Lines     int
	LineNames []string // by offset; "" for unnamed lines
}

// WriteChips prints chips, or "no GPIO chips" when there are none.
func WriteChips(w io.Writer, chips []ChipInfo) error {
	if len(chips) == 0 {
		_, err := fmt.Fprintln(w, "GPIO: no GPIO chips (no /dev/gpiochip*; buttons and LEDs can only be simulated)")
		return err
	}
	for _, c := range chips {
		if _, err := fmt.Fprintf(w, "GPIO chip %s (%s) %s: %d lines\n", c.Name, c.Label, c.Path, c.Lines); err != nil {
			return err
		}
		var named []string
		for i, n := range c.LineNames {
			if n != "" && n != "-" && n != "_" {
				named = append(named, fmt.Sprintf("%d=%s", i, n))
			}
		}
		if len(named) > 0 {
			if _, err := fmt.Fprintf(w, "  lines: %s\n", strings.Join(named, " ")); err != nil {
				return err
			}
		}
	}
	return nil
}
