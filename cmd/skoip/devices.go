package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/skoip/skoip/hw/gpio"
)

func cmdDevices(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "devices", "", "List the audio devices (name, sample rates) and GPIO chips (lines) of this machine.")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := listAudioDevices(e.stdout); err != nil {
		fmt.Fprintf(e.stdout, "audio: %v\n", err)
	}
	chips, err := gpio.Chips()
	if err != nil {
		fmt.Fprintf(e.stdout, "GPIO: %v\n", err)
		return nil
	}
	if len(chips) == 0 {
		fmt.Fprintln(e.stdout, "GPIO: no GPIO chips (/dev/gpiochip*): `skoip run` simulates buttons, LEDs and relay")
		return nil
	}
	return gpio.WriteChips(e.stdout, chips)
}

// listAudioDevices is filled in by hw/audio's device listing.
func listAudioDevices(w io.Writer) error {
	return errors.New("listing not available in this build")
}
