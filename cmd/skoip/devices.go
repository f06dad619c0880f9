package main

import (
	"context"
	"errors"
)

func cmdDevices(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "devices", "", "List the audio devices (name, sample rates) and GPIO chips (lines) of this machine.")
	if err := parse(fs, args); err != nil {
		return err
	}
	return errors.New("not built yet")
}
