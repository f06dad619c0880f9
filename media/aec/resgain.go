package aec

import "math"

// gains scales s.e band by band.
func (s *suppressor) gains(double bool) {
	s.coh.update(s.e, s.z)
	if s.settled() && s.micOver > cohMicDB && s.coh.share(0, s.n/2+1) < cohFrame {
		double = true
	}
	for b := range s.level {
		lo, hi := b*s.binsPer, min((b+1)*s.binsPer, s.n/2+1)
		var pe, py, pr, pm float64
		for k := lo; k < hi; k++ {
			pe += sq(s.e[k])
			py += sq(s.z[k])
			pm += sq(s.e[k] + s.z[k]) // the microphone
		}
		for k := lo / 2; k < min(hi/2, len(s.r)/2+1); k++ {
			pr += sq(s.r[k])
		}
		s.px[b] = max(pr, s.px[b]*resDecay)
		ratio := max(pe, 1) / max(py, 1)
		ratioX := max(pe, 1) / max(s.px[b], 1)
		echoed := s.trackBandEcho(b, max(pm, 1)/max(s.px[b], 1))
		near := (double || s.settled() && ratio > s.level[b]*resBandDT && !echoed) && pm >= pe/4
		if !near && (!s.settled() || s.coh.share(lo, hi) >= cohLearn) {
			s.track(&s.level[b], ratio)
			s.track(&s.levelX[b], ratioX)
		}
		over := float64(resOverST)
		if near {
			over = resOverDT
		}
		res := max(s.level[b]*py, s.levelX[b]*s.px[b])
		g := math.Sqrt(max(min(1-over*res/max(pe, 1), pm/max(pe, 1)), resFloorAmp*resFloorAmp))
		for k := lo; k < hi; k++ {
			s.e[k] *= complex(g, 0)
		}
	}
	s.farFrames++
}

// trackBandEcho folds a band's microphone-over-reference ratio into its
// echo level (70th percentile, rising at most 5 dB/s) and reports whether
// the band is within 1.5 dB of it: echo alone.
func (s *suppressor) trackBandEcho(b int, ratio float64) bool {
	l := &s.levelM[b]
	if *l == 0 {
		*l = ratio
	}
	echoed := ratio < *l*resBandEcho
	if ratio > *l {
		*l *= erlUpF
	} else {
		*l /= erlDownF
	}
	return echoed
}

func (s *suppressor) track(l *float64, ratio float64) {
	switch {
	case ratio > *l && s.settled():
		*l *= resUpLate
	case ratio > *l:
		*l *= resUp
	default:
		*l /= resDown
	}
	*l = min(max(*l, resMin), resMax)
}

// trackEcho folds the microphone-over-x ratio (dB) and reports double talk.
func (s *suppressor) trackEcho(mic float64) bool {
	if math.IsNaN(s.echo) {
		s.echo = mic
	}
	double := mic > s.echo+resDouble
	s.micOver = mic - s.echo
	if mic > s.echo {
		s.echo += erlUp
	} else {
		s.echo -= erlDown
	}
	return double
}
