package media

import (
	"math"

	"github.com/skoip/skoip/media/dsp"
)

// halfDuplex is talk-over switching for hardware whose echo no canceller
// removes (a speaker driven into distortion, a box that rattles): one
// direction at a time, chosen by voice activity, as door stations offer.
//
//   - The far end talks (what the speaker plays is above farOnDB): the
//     microphone is attenuated by duckDB, and stays so for hangover after
//     the far end stops, while the room's echo dies away.
//   - The visitor talks (the microphone is above nearOnDB, and louder than
//     the echo could be: the speaker's level plus the coupling measured
//     while only the far end talked, plus breakInDB): the speaker is
//     attenuated by duckDB instead, until the visitor stops for hangover.
//     A visitor that loud takes the line even while the far end talks.
//
// Gains move by at most rampDB per 5 ms chunk, so switching does not click.
// Levels are in dBFS over one frame (mic) or chunk (speaker).
type halfDuplex struct {
	hangover int // samples: 300 ms at the engine rate
	state    duplexState
	hold     int     // samples of hangover left in the current state
	coupling float64 // dB, echo level at the microphone minus the speaker's level
	farDB    float64 // speaker level of the last chunk, held for hangover
	farHold  int
	micGain  float32 // applied to the microphone, linear
	spkGain  float32 // applied to the speaker, linear
	step     float32 // rampDB, linear
	ducked   float32 // -duckDB, linear
}

type duplexState int

const (
	duplexIdle duplexState = iota
	duplexFar              // far end holds the line: microphone ducked
	duplexNear             // visitor holds the line: speaker ducked
)

const (
	farOnDB    = -50.0
	nearOnDB   = -45.0
	breakInDB  = 10.0
	duckDB     = 30.0
	rampDB     = 6.0
	hangoverMS = 300
	initCouple = 0.0 // dB, until measured: a box whose speaker is as loud at the mic as played
)

func newHalfDuplex(rate int) *halfDuplex {
	return &halfDuplex{hangover: rate * hangoverMS / 1000, coupling: initCouple, micGain: 1, spkGain: 1, farDB: dsp.SilenceDB,
		step: float32(dsp.DBToGain(rampDB)), ducked: float32(dsp.DBToGain(-duckDB))}
}

// speaker ducks a chunk about to be played and notes its level.
func (h *halfDuplex) speaker(c []int16) {
	lvl := dsp.LevelDB(c)
	if lvl >= h.farDB || h.farHold <= 0 {
		h.farDB, h.farHold = lvl, h.hangover
	}
	h.farHold -= len(c)
	h.spkGain = h.ramp(h.spkGain, h.state == duplexNear)
	dsp.ApplyGain(c, h.spkGain)
}

// mic decides who holds the line from one captured frame and ducks it.
func (h *halfDuplex) mic(f []int16) {
	lvl := dsp.LevelDB(f)
	far := h.farDB > farOnDB
	near := lvl > nearOnDB && (!far || lvl > h.farDB+h.coupling+breakInDB)
	switch {
	case near:
		h.state, h.hold = duplexNear, h.hangover
	case far && h.state != duplexNear:
		h.state, h.hold = duplexFar, h.hangover
		if lvl > nearOnDB {
			// Follows a louder echo at once, a quieter one at 25 dB/s.
			h.coupling = math.Max(h.coupling-0.5, lvl-h.farDB)
		}
	default:
		if h.hold -= len(f); h.hold <= 0 {
			h.state = duplexIdle
		}
	}
	h.micGain = h.ramp(h.micGain, h.state == duplexFar)
	dsp.ApplyGain(f, h.micGain)
}

// ramp moves a gain one step towards ducked (-duckDB) or open (1).
func (h *halfDuplex) ramp(g float32, ducked bool) float32 {
	if ducked {
		return max(g/h.step, h.ducked)
	}
	return min(g*h.step, 1)
}
