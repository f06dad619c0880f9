package main

import (
	"context"

	"github.com/skoip/skoip/hw/devices"
)

func cmdDevices(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "devices", "", "List the audio devices (name, sample rates) and GPIO chips (lines) of this machine.")
	if err := parse(fs, args); err != nil {
		return err
	}
	return devices.Write(e.stdout)
}
