// Package sim is the simulated twin of the Raspberry Pi's GPIO: in-memory
// lines behind hw.LineOpener, and a board whose buttons are pressed and
// released by calls (what `skoip ctl press NAME` does) and whose LED
// patterns and relay state can be read back and are logged.
package sim
