package aec

import "math"

// noiseFloor tracks the microphone's noise level by following minima: it
// drops at once to a quieter frame (energies smoothed over ~30 ms) and
// rises by 1 dB/s otherwise. On stationary noise it reads ~1-2 dB low.
type noiseFloor struct {
	smooth, floor float64
	started       bool
}

const floorRise = 1.0023 // per 10 ms frame: 1 dB/s

func (n *noiseFloor) update(ms float64) float64 {
	if !n.started {
		n.smooth, n.floor, n.started = ms, ms, true
	}
	n.smooth += 0.3 * (ms - n.smooth)
	n.floor = min(n.floor*floorRise, n.smooth)
	return n.floor
}

// comfortNoise keeps the output from dropping below the level the noise
// suppressor leaves (the floor lowered by its attenuation) when the
// residual echo suppressor removes a frame more deeply: it adds spectrally
// flat noise (xorshift32, seeded) that brings the frame to that level.
type comfortNoise struct {
	state uint32
	gain  float64 // floor-to-output energy ratio
}

func newComfortNoise(noiseDB int) comfortNoise {
	return comfortNoise{state: 0x9e3779b9, gain: math.Pow(10, -float64(noiseDB)/10)}
}

// fill tops out (mean square outMS) up to floor*gain.
func (c *comfortNoise) fill(out []int16, outMS, floor float64) {
	want := floor*c.gain - outMS
	if want <= 1 {
		return
	}
	amp := math.Sqrt(3 * want) // uniform in [-1,1) has a mean square of 1/3
	for i, v := range out {
		c.state ^= c.state << 13
		c.state ^= c.state >> 17
		c.state ^= c.state << 5
		u := float64(int32(c.state)) / (1 << 31)
		out[i] = sat(float64(v) + amp*u)
	}
}

func sat(x float64) int16 {
	switch {
	case x > math.MaxInt16:
		return math.MaxInt16
	case x < math.MinInt16:
		return math.MinInt16
	}
	return int16(math.Round(x))
}
