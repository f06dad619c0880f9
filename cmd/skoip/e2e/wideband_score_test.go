package e2e

import (
	"fmt"
	"math"
	"time"

	"github.com/skoip/skoip/internal/testsupport/speechq"
	"github.com/skoip/skoip/internal/testsupport/stoi"
)

// wbScore is how one listener's recording compares with the talker's
// clean speech.
type wbScore struct {
	STOI   float64 // 0-1
	SegSNR float64 // dB, -10..35
	LSD    float64 // dB over 50-7000 Hz
	// HighBand is how far the 3.4-7 kHz band is from the source's,
	// relative to each signal's 50-3400 Hz band (so level changes do not
	// count), in dB: about 0 for a wideband path. The talkers have about
	// as much energy at 3.4-4 kHz as at 4-7 kHz, so that a narrowband path
	// that keeps up to 4 kHz is only 3-6 dB down.
	HighBand float64
	// Band47 is the same for 4-7 kHz, which a narrowband path does not
	// carry at all (20 dB down or more).
	Band47 float64
	Corr   float64 // correlation of the aligned recording with the speech
	Lag    int     // samples from the recording's start to the speech's
	// Shifts counts the segments realigned away from Lag, by MinShift to
	// MaxShift samples.
	Shifts             int
	MinShift, MaxShift int
}

func (s wbScore) String() string {
	return fmt.Sprintf("STOI %.3f, segSNR %.2f dB, LSD %.2f dB, 3.4-7 kHz %+.1f dB, 4-7 kHz %+.1f dB (from %.3f s, corr %.3f; %d segments shifted by %.1f to %.1f ms)",
		s.STOI, s.SegSNR, s.LSD, s.HighBand, s.Band47, float64(s.Lag)/wbRate, s.Corr, s.Shifts,
		1000*float64(s.MinShift)/wbRate, 1000*float64(s.MaxShift)/wbRate)
}

// Alignment of a recording with its source: the speech's start is
// searched for anywhere in the recording, then the speech is lined up by
// segments of wbSegment, each within ±wbShift of the one before (a
// playout buffer that grew or shrank, a frame a receiver dropped or
// inserted: speechq.Piecewise). The start is searched for with the first
// second of the speech, its first 3 s and all of it, and the one that
// lines the whole up best is kept: a loss or a delay change near the
// start spoils a short head, and a receiver that drops the frames it
// does not conceal (baresip at 10% loss) shrinks its recording so that
// the whole speech lines up with no single lag.
const (
	wbSegment = 500 * time.Millisecond
	wbShift   = 120 * time.Millisecond
	// wbMinCorr is the least correlation of the aligned recording with the
	// speech at which it counts as found: another talker's speech aligned
	// the same way reaches 0.10-0.16.
	wbMinCorr = 0.25
)

// wbHeads are the lengths of the speech's start searched for.
var wbHeads = []time.Duration{time.Second, 3 * time.Second, time.Hour}

// scoreCall aligns played with the clean speech and measures it.
func scoreCall(speech, played []int16) (wbScore, []float64, error) {
	clean, rec := floats(speech), floats(played)
	var s wbScore
	var deg []float64
	var lags []int
	s.Corr = -1
	for _, h := range wbHeads {
		lag, _ := speechq.Align(clean[:min(len(clean), wbSamples(h))], rec, wbRate, wbDuration(len(rec)))
		d, ls := speechq.Piecewise(clean, rec, wbRate, lag, wbSegment, wbShift)
		if c := correlation(clean, d); c > s.Corr {
			s.Corr, s.Lag, deg, lags = c, lag, d, ls
		}
	}
	if s.Corr < wbMinCorr {
		return s, nil, fmt.Errorf("the speech is not in the recording (aligned from %.3f s, correlation %.3f)", float64(s.Lag)/wbRate, s.Corr)
	}
	for _, l := range lags {
		if l != s.Lag {
			s.Shifts++
		}
		s.MinShift, s.MaxShift = min(s.MinShift, l-s.Lag), max(s.MaxShift, l-s.Lag)
	}
	var err error
	if s.STOI, err = stoi.STOI(clean, deg, wbRate); err != nil {
		return s, deg, err
	}
	if s.SegSNR, err = speechq.SegSNR(clean, deg, wbRate); err != nil {
		return s, deg, err
	}
	if s.LSD, err = speechq.LSD(clean, deg, wbRate, 50, 7000); err != nil {
		return s, deg, err
	}
	s.HighBand = highBand(deg, 3400) - highBand(clean, 3400)
	s.Band47 = highBand(deg, 4000) - highBand(clean, 4000)
	return s, deg, nil
}

// correlation is sum(a*b) / sqrt(sum(a²) * sum(b²)).
func correlation(a, b []float64) float64 {
	var ab, aa, bb float64
	for i := range min(len(a), len(b)) {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}

// highBand is x's from-7000 Hz band relative to its 50-3400 Hz band, in
// dB.
func highBand(x []float64, from float64) float64 {
	return speechq.BandEnergyDB(x, wbRate, from, 7000) - speechq.BandEnergyDB(x, wbRate, 50, 3400)
}

func floats(s []int16) []float64 {
	f := make([]float64, len(s))
	for i, v := range s {
		f[i] = float64(v) / 32768
	}
	return f
}
