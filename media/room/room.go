package room

import (
	"fmt"
	"math"
)

// crossfadeTime is how long the echo path change takes: 5 ms, a raised
// cosine from the old response to the new one.
const crossfadeTime = 0.005

// Room is a running simulation; its state advances with every Step. It is
// not safe for concurrent use.
type Room struct {
	drive float64       // Config.Clip
	line  *delayLine    // bulk delay and drift
	path  [2]*convolver // before and after the change
	resp  [2][]float32  // their responses, gain included
	lag   int           // taps dropped from the responses' start (lag) or added (-lag)
	n     int64         // samples so far
	// the change: path[1] is fed from feedAt, faded in from changeAt over
	// fade samples; changeAt < 0 = never
	feedAt, changeAt int64
	fade             int

	talk     []int16
	talkPos  int
	talkLoop bool
	talkGain float32
	noise    generator
	noiseAmp float64
}

// New builds the room c describes: its responses (the second one if
// ChangeAt is set), its filters and its noise, whose level it measures.
func New(c Config) (*Room, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("room.New: %w", err)
	}
	r := &Room{drive: c.Clip, changeAt: -1, talk: c.Talker, talkLoop: c.TalkerLoop,
		talkGain: float32(db(c.TalkerGainDB))}
	delay := int(math.Round(c.Delay.Seconds() * float64(c.Rate)))
	r.resp[0], r.lag = pathResponse(newGeometry(c.Seed, 0), c, c.EchoGainDB, delay)
	r.path[0] = newConvolver(r.resp[0][max(r.lag, 0):])
	r.line = newDelayLine(max(-r.lag, 0), c.Rate, c.DriftPPM)
	if c.ChangeAt > 0 {
		r.resp[1], _ = pathResponse(newGeometry(c.Seed, 1), c, c.EchoGainDB+c.ChangeGainDB, delay)
		r.path[1] = newConvolver(r.resp[1][max(r.lag, 0):])
		r.changeAt = int64(math.Round(c.ChangeAt.Seconds() * float64(c.Rate)))
		r.feedAt = max(0, r.changeAt-int64(len(r.resp[1])))
		r.fade = int(crossfadeTime * float64(c.Rate))
	}
	if r.noise = newGenerator(c); r.noise != nil {
		ref := fullScale * db(refLevelDBFS)
		if a := activeLevel(scaled(c.Talker, float64(r.talkGain)), c.Rate); a > 0 {
			ref = a // else no talker, or a silent one
		}
		if level := noiseRMS(c); level > 0 {
			r.noiseAmp = ref * db(-c.SNR) / level
		}
	}
	return r, nil
}

// pathResponse is the echo path of geometry g with direct gain gainDB,
// in int16 units per int16 unit, and how many of its leading taps the
// bulk delay does not cover (negative: how many samples of the bulk delay
// are left for the delay line).
func pathResponse(g geometry, c Config, gainDB float64, delay int) ([]float32, int) {
	h, pre := g.response(c.Rate, c.T60.Seconds())
	a := float32(db(gainDB))
	for i := range h {
		h[i] *= a
	}
	return h, pre - delay
}

func scaled(x []int16, g float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(float64(v) * g)
	}
	return out
}

// Step runs one period: played is what the loudspeaker played, mic (as
// long as played) receives what the microphone captured meanwhile, rounded
// and saturated to int16.
func (r *Room) Step(played, mic []int16) { r.StepParts(played, mic, nil, nil, nil) }

// StepParts is Step that also writes the period's components, in int16
// units before the rounding and saturation of mic: the echo, the near-end
// talker and the noise (mic is their sum). A nil slice is skipped; others
// must be as long as mic.
func (r *Room) StepParts(played, mic []int16, echo, near, noise []float32) {
	if len(played) != len(mic) {
		panic(fmt.Sprintf("room.Step: %d samples played, %d captured: want as many", len(played), len(mic)))
	}
	for i, p := range played {
		e := r.echo(float64(p))
		t := r.talker()
		var v float32
		if r.noise != nil {
			v = float32(r.noise.next() * r.noiseAmp)
		}
		mic[i] = saturate(float64(e) + float64(t) + float64(v))
		if echo != nil {
			echo[i] = e
		}
		if near != nil {
			near[i] = t
		}
		if noise != nil {
			noise[i] = v
		}
		r.n++
	}
}

// echo is the echo of this instant, given the sample played now.
func (r *Room) echo(p float64) float32 {
	if r.drive > 0 {
		p = fullScale * math.Tanh(r.drive*p/fullScale) / r.drive
	}
	u := r.line.process(float32(p))
	if r.changeAt < 0 || r.n < r.feedAt {
		return r.path[0].process(u)
	}
	if r.n >= r.changeAt+int64(r.fade) {
		return r.path[1].process(u)
	}
	a, b := r.path[0].process(u), r.path[1].process(u)
	if r.n < r.changeAt {
		return a
	}
	w := float32(0.5 - 0.5*math.Cos(math.Pi*float64(r.n-r.changeAt)/float64(r.fade)))
	return a + w*(b-a)
}

// talker is the near-end talker's sample of this instant.
func (r *Room) talker() float32 {
	if r.talkPos >= len(r.talk) {
		if !r.talkLoop || len(r.talk) == 0 {
			return 0
		}
		r.talkPos = 0
	}
	v := float32(r.talk[r.talkPos]) * r.talkGain
	r.talkPos++
	return v
}

func saturate(v float64) int16 {
	switch {
	case v >= math.MaxInt16:
		return math.MaxInt16
	case v <= math.MinInt16:
		return math.MinInt16
	}
	return int16(math.Round(v))
}

// Response is the echo path now (the second one once ChangeAt has
// passed): the impulse response from a sample played to the capture, in
// taps of 1/Rate, bulk delay included, gain included, drift and clipping
// not. The caller owns the slice.
func (r *Room) Response() []float32 {
	h := r.resp[0]
	if r.changeAt >= 0 && r.n >= r.changeAt {
		h = r.resp[1]
	}
	if r.lag >= 0 {
		return append([]float32(nil), h[r.lag:]...)
	}
	return append(make([]float32, -r.lag), h...)
}
