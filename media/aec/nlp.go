package aec

import "math"

// Residual echo gate tuning (per 10 ms frame, dB).
const (
	nlpDecay    = 0.85 // energy kept per frame by the reverberation model (T60 ~0.85 s)
	nlpStart    = 20   // initial residual-over-reference level
	nlpUp       = 0.45 // level rise when a frame is above it
	nlpDown     = 0.05 // level fall when a frame is below it (tracks the 90th percentile)
	nlpUpSlow   = 0.02 // rise when a frame is more than nlpDoubleTalk above (near end talking)
	nlpDouble   = 10   // dB above the level that marks the near end
	nlpOver     = 2    // over-estimation factor of the residual
	nlpFloorAmp = 0.01 // deepest gain: -40 dB
)

// residualGate is a wideband residual echo suppressor after the engine,
// needed while the adaptive filter converges and for the reverberation
// beyond its tail. It models the residual echo energy of a frame as
// level × (the aligned reference's frame energy, held with an exponential
// reverberation decay), tracks level as a percentile of the
// observed ratio over far-end frames (rising only slowly while the output
// is far above it, as during double talk), and applies the gain
// sqrt(1 - 2·residual/output), at least -40 dB, ramped across the frame.
type residualGate struct {
	x     float64 // modelled reference energy
	level float64 // dB
	gain  float64
}

func newResidualGate() residualGate { return residualGate{level: nlpStart, gain: 1} }

// model folds the aligned reference frame energy and returns the
// modelled reverberant reference energy: a peak hold that decays.
func (g *residualGate) model(refMS float64) float64 {
	g.x = max(refMS, g.x*nlpDecay)
	return g.x
}

// apply updates the level with one frame and gates out (mean square outMS).
func (g *residualGate) apply(out []int16, outMS, refMS float64) {
	x := g.model(refMS)
	target := 1.0
	if x > activeLevel && outMS > 1 {
		rho := 10 * math.Log10(outMS/x)
		switch {
		case rho > g.level+nlpDouble:
			g.level += nlpUpSlow
		case rho > g.level:
			g.level += nlpUp
		default:
			g.level -= nlpDown
		}
		r := nlpOver * math.Pow(10, g.level/10) * x / outMS
		target = math.Sqrt(max(1-r, nlpFloorAmp*nlpFloorAmp))
	}
	step := (target - g.gain) / float64(len(out))
	for i, v := range out {
		g.gain += step
		out[i] = int16(float64(v) * g.gain)
	}
	g.gain = target
}

func (g *residualGate) reset() { *g = newResidualGate() }
