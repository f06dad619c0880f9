package dsp

import (
	"fmt"
	"math"
)

// HighPass is a second-order Butterworth high-pass filter (a biquad). With
// a low cutoff (20-100 Hz) it is the DC blocker of the capture path; at
// 100-300 Hz it also removes hum and handling rumble.
type HighPass struct {
	b0, b1, b2, a1, a2 float64
	x1, x2, y1, y2     float64
}

// NewHighPass returns a high-pass filter for rate Hz with its -3 dB point
// at cutoff Hz (0 < cutoff < rate/2).
func NewHighPass(rate int, cutoff float64) (*HighPass, error) {
	if rate <= 0 || !(cutoff > 0 && cutoff < float64(rate)/2) {
		return nil, fmt.Errorf("dsp.NewHighPass %v Hz at %d Hz: %w", cutoff, rate, ErrConfig)
	}
	w := 2 * math.Pi * cutoff / float64(rate)
	cos := math.Cos(w)
	alpha := math.Sin(w) / math.Sqrt2 // sin(w)/(2Q), Q = 1/sqrt(2)
	a0 := 1 + alpha
	return &HighPass{
		b0: (1 + cos) / 2 / a0,
		b1: -(1 + cos) / a0,
		b2: (1 + cos) / 2 / a0,
		a1: -2 * cos / a0,
		a2: (1 - alpha) / a0,
	}, nil
}

// Process filters frame in place.
func (h *HighPass) Process(frame []int16) {
	for i, s := range frame {
		x := float64(s)
		y := h.b0*x + h.b1*h.x1 + h.b2*h.x2 - h.a1*h.y1 - h.a2*h.y2
		h.x2, h.x1 = h.x1, x
		h.y2, h.y1 = h.y1, y
		frame[i] = saturate(float32(y))
	}
}

// Reset clears the filter's memory.
func (h *HighPass) Reset() { h.x1, h.x2, h.y1, h.y2 = 0, 0, 0, 0 }
