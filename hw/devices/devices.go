// Package devices prints what `skoip devices` shows: the ALSA audio
// devices and the GPIO chips and lines of this machine.
package devices

import (
	"fmt"
	"io"

	"github.com/skoip/skoip/hw/audio"
	"github.com/skoip/skoip/hw/gpio"
)

// Write prints the audio devices, then the GPIO chips. A machine without
// sound cards or GPIO chips gets lines saying so, not an error.
func Write(w io.Writer) error {
	devs, err := audio.ListDevices()
	if err != nil {
		return fmt.Errorf("devices.Write: %w", err)
	}
	if err := audio.WriteDevices(w, devs); err != nil {
		return fmt.Errorf("devices.Write: %w", err)
	}
	chips, err := gpio.Chips()
	if err != nil {
		return fmt.Errorf("devices.Write: %w", err)
	}
	if err := gpio.WriteChips(w, chips); err != nil {
		return fmt.Errorf("devices.Write: %w", err)
	}
	return nil
}
