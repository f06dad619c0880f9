//go:build webrtc && cgo

package aec

import "github.com/skoip/skoip/media/aec/internal/webrtcshim"

// hasEngine reports whether this build has the optional engine name.
func hasEngine(name string) bool { return name == EngineWebRTC }

// webrtcEngine is webrtc-audio-processing 0.3's AEC (extended filter,
// delay-agnostic, high suppression) and noise suppressor, for comparison.
// It keeps its own filter across reset: the library has no reset call.
type webrtcEngine struct {
	apm    *webrtcshim.APM
	params engineParams
}

func newWebRTC(ep engineParams) (engine, error) {
	a, err := webrtcshim.New(ep.rate, ep.echo, webrtcLevel(ep.noiseDB), int(alignMargin.Milliseconds()))
	if err != nil {
		return nil, err
	}
	return &webrtcEngine{apm: a, params: ep}, nil
}

// webrtcLevel maps dB of noise suppression to the library's levels
// (moderate ~ 10 dB, high ~ 15 dB, very high ~ 20 dB).
func webrtcLevel(db int) int {
	switch {
	case db == 0:
		return 0
	case db < 13:
		return 1
	case db < 18:
		return 2
	}
	return 3
}

// cancel runs the whole module: its output is final.
func (e *webrtcEngine) cancel(mic, ref, lin []int16) { e.apm.Process(mic, ref, lin) }

func (e *webrtcEngine) linear() bool { return false }

// denoise does nothing: the module's noise suppressor ran in cancel.
func (e *webrtcEngine) denoise([]int16) {}

// reset rebuilds the module (the library has no reset).
func (e *webrtcEngine) reset() {
	a, err := webrtcshim.New(e.params.rate, e.params.echo, webrtcLevel(e.params.noiseDB), int(alignMargin.Milliseconds()))
	if err != nil {
		return // keep the old module
	}
	e.apm.Close()
	e.apm = a
}

func (e *webrtcEngine) close() { e.apm.Close() }
