package media

import (
	"fmt"

	"github.com/skoip/skoip/media/dsp"
)

// capture is the microphone chain at the engine's rate: high-pass, noise gate, AGC,
// gain. Each stage is optional.
type capture struct {
	hp   *dsp.HighPass
	gate *dsp.Gate
	agc  *dsp.AGC
	gain float32
}

func newCapture(cfg Config) (*capture, error) {
	c := &capture{gain: float32(cfg.CaptureGain)}
	var err error
	if cfg.HighPass {
		if c.hp, err = dsp.NewHighPass(cfg.Rate, 100); err != nil {
			return nil, fmt.Errorf("dsp.NewHighPass: %w", err)
		}
	}
	if cfg.NoiseGate {
		if c.gate, err = dsp.NewGate(cfg.Rate, dsp.DefaultGateConfig()); err != nil {
			return nil, fmt.Errorf("dsp.NewGate: %w", err)
		}
	}
	if cfg.AGC {
		if c.agc, err = dsp.NewAGC(cfg.Rate, dsp.DefaultAGCConfig()); err != nil {
			return nil, fmt.Errorf("dsp.NewAGC: %w", err)
		}
	}
	return c, nil
}

// process enhances one frame in place.
func (c *capture) process(frame []int16) {
	if c.hp != nil {
		c.hp.Process(frame)
	}
	if c.gate != nil {
		c.gate.Process(frame)
	}
	if c.agc != nil {
		c.agc.Process(frame)
	}
	if c.gain != 1 {
		dsp.ApplyGain(frame, c.gain)
	}
}
