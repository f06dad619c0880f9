// Package mediatest has fakes for testing code that uses media: a duplex
// audio device driven by hand (Step) or by a ticker, which captures from a
// given signal and records what it is asked to play.
package mediatest
