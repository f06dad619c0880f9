package room

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// soundSpeed is the speed of sound in air at about 20 °C, in m/s.
const soundSpeed = 343.0

// Nominal porch: 3 m wide (x), 2.5 m deep (y, away from the door wall)
// and 2.5 m high (z); each side is scaled by a seeded factor of 0.9 to 1.1.
var nominalRoom = [3]float64{3.0, 2.5, 2.5}

// geometry is a shoebox room with the door box on the wall y = 0: the
// microphone and the loudspeaker sit on the box's front panel, boxDepth
// in front of the wall, a few centimetres apart.
type geometry struct {
	size     [3]float64 // m
	mic, spk [3]float64 // m
}

const boxDepth = 0.04 // m

// newGeometry draws the room of seed and the box placement of variant
// (0 at start, 1 after the echo path change): the box 0.6 m or more from
// the side walls at 1.3 to 1.6 m height, the loudspeaker 5 to 8 cm from
// the microphone in a random direction on the panel.
func newGeometry(seed, variant uint64) geometry {
	var g geometry
	rr := rand.New(rand.NewPCG(seed, 0x726f6f6d))
	for i, s := range nominalRoom {
		g.size[i] = s * (0.9 + 0.2*rr.Float64())
	}
	rp := rand.New(rand.NewPCG(seed, 0x626f78+variant))
	g.mic = [3]float64{0.6 + rp.Float64()*(g.size[0]-1.2), boxDepth, 1.3 + 0.3*rp.Float64()}
	d, a := 0.05+0.03*rp.Float64(), 2*math.Pi*rp.Float64()
	g.spk = [3]float64{g.mic[0] + d*math.Cos(a), boxDepth, g.mic[2] + d*math.Sin(a)}
	return g
}

// distance is the length of the direct path, in m.
func (g geometry) distance() float64 {
	return math.Sqrt(sq(g.spk[0]-g.mic[0]) + sq(g.spk[1]-g.mic[1]) + sq(g.spk[2]-g.mic[2]))
}

// reflection is the pressure reflection coefficient β of the walls (all
// alike) that gives the image-method response a reverberation time t60
// (s). The energy of an image at distance ct in direction u has met
// n = ct·Σ|u_i|/L_i walls; averaged over directions (the images fill space
// evenly) the energy decays as E(t) = <β^(2n)>, and its Schroeder curve as
// <exp(-k·t·s)/s> with s = Σ|u_i|/L_i and k = -2c·ln β. In a diffuse field
// (s equal to its mean S/4V in every direction) this is Eyring's formula;
// in a shoebox the directions that meet fewer walls decay more slowly
// (Eyring's β gave measured T60s 7% to 20% too long in this room). So the
// slope of that curve from -5 to -25 dB is found numerically (over 2000
// directions), and k is set so that it is 60 dB per t60: the T60s
// measured in the tests (0.3 and 0.6 s, four rooms) are then 3% to 11%
// long.
func (g geometry) reflection(t60 float64) float64 {
	d := g.decayPerUnit()
	k := 60 / (d * t60)
	return math.Exp(-k / (2 * soundSpeed))
}

// decayPerUnit is the slope of <exp(-x·s)/s> in dB per unit x (fitted
// from -5 to -25 dB), s over a Fibonacci sphere of directions.
func (g geometry) decayPerUnit() float64 {
	const dirs = 2000
	s := make([]float64, dirs)
	var mean float64
	for i := range s {
		z := 1 - (2*float64(i)+1)/dirs
		rxy, phi := math.Sqrt(1-z*z), float64(i)*math.Pi*(3-math.Sqrt(5))
		s[i] = math.Abs(rxy*math.Cos(phi))/g.size[0] + math.Abs(rxy*math.Sin(phi))/g.size[1] + math.Abs(z)/g.size[2]
		mean += s[i] / dirs
	}
	edc := func(x float64) float64 {
		var e float64
		for _, v := range s {
			e += math.Exp(-x*v) / v
		}
		return e
	}
	e0, step := edc(0), 0.05/mean // about 100 points from -5 to -25 dB
	var n, sx, sy, sxx, sxy float64
	for x := 0.0; ; x += step {
		l := 10 * math.Log10(edc(x)/e0)
		if l < -25 {
			break
		}
		if l <= -5 {
			n, sx, sy, sxx, sxy = n+1, sx+x, sy+l, sxx+x*x, sxy+x*l
		}
	}
	return -(n*sxy - sx*sy) / (n*sxx - sx*sx)
}

// image is one image source along an axis: the distance from the
// microphone and the number of wall reflections.
type image struct {
	d     float64
	order int
}

// axisImages lists, nearest first, the images of source coordinate s
// along an axis of length l as seen from microphone coordinate m, up to
// distance r: at 2kl+s (|2k| reflections) and 2kl-s (|2k-1| reflections).
func axisImages(s, m, l, r float64) []image {
	n := int(r/(2*l)) + 2
	out := make([]image, 0, 4*n+2)
	for k := -n; k <= n; k++ {
		for _, im := range [2]image{{2*float64(k)*l + s - m, abs(2 * k)}, {2*float64(k)*l - s - m, abs(2*k - 1)}} {
			if math.Abs(im.d) <= r {
				out = append(out, im)
			}
		}
	}
	slices.SortFunc(out, func(a, b image) int { return cmp.Compare(math.Abs(a.d), math.Abs(b.d)) })
	return out
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

func sq(x float64) float64 { return x * x }
