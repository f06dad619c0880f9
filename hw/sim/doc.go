// Package sim is production code, not a test fake: the GPIO fallback that
// `skoip run` uses on a machine with no /dev/gpiochip* (a PC, a container,
// CI). cmd/skoip opens it, with a warning in the log, when gpio.Open reports
// gpio.ErrNoChips, so the whole intercom (SIP, media, prompts, the control
// socket) runs where there are no buttons, LEDs or relay to wire.
//
// It is an in-memory twin of the Raspberry Pi's GPIO: Lines is a
// hw.LineOpener on which any pin name opens, and Board is the configured
// hw.Board on those lines, whose buttons are pressed and released by call
// (what `skoip ctl press NAME` does) through the same debounce and
// long-press logic as real GPIO, and whose LED and relay outputs can be read
// back (Lines.Output); LED patterns and relay pulses are logged by hw as on
// real GPIO, and each simulated press or release too.
//
// Tests above hw use the fakes in hw/hwtest instead, which are driven by
// hand and record what they are asked to do.
package sim
