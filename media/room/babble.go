package room

import (
	"math"
	"math/rand/v2"
)

// babbleVoices is the number of talkers in the babble noise.
const babbleVoices = 6

// babble is speech-shaped noise from six independent voices. Each voice is
// white noise through a high-pass at 150 Hz and two low-passes at 600 to
// 1200 Hz (the voice's own; -12 dB per octave above it, like the long-term
// spectrum of speech), times an envelope at syllable rate: every 120 to
// 350 ms the voice picks a new target level (silent with probability 0.3,
// else 0.3 to 1) and glides to it with a 20 ms time constant.
type babble struct {
	r      *rand.Rand
	voices [babbleVoices]voice
	glide  float64 // envelope coefficient per sample
	fs     float64
}

type voice struct {
	hp          onePole
	lp          biquad
	env, target float64
	left        int // samples to the next syllable
}

func newBabble(r *rand.Rand, fs float64) *babble {
	b := &babble{r: r, fs: fs, glide: 1 - math.Exp(-1/(0.020*fs))}
	for i := range b.voices {
		fc := 600 + 600*r.Float64()
		b.voices[i] = voice{hp: newOnePole(150, fs), lp: butterworth(fc, fs, false)}
	}
	return b
}

func (b *babble) next() float64 {
	var s float64
	for i := range b.voices {
		v := &b.voices[i]
		if v.left--; v.left <= 0 {
			v.left = int((0.120 + 0.230*b.r.Float64()) * b.fs)
			v.target = 0
			if b.r.Float64() >= 0.3 {
				v.target = 0.3 + 0.7*b.r.Float64()
			}
		}
		v.env += b.glide * (v.target - v.env)
		x := b.r.NormFloat64()
		x -= v.hp.step(x)
		s += v.env * v.lp.step(x)
	}
	return s
}
