package speechq

import (
	"fmt"
	"math"
)

// The segmental SNR's frames and clamp.
const (
	segFrame = 0.020 // seconds per frame, no overlap, no window
	segMinDB = -10.0
	segMaxDB = 35.0
	// segMinFrames is the least number of frames of speech scored (0.2 s).
	segMinFrames = 10
)

// SegSNR returns the segmental signal-to-noise ratio of degraded against
// clean, in dB: the mean over 20 ms frames of 10*log10(clean energy /
// error energy), each frame's value clamped to [-10, 35] dB, over the
// frames where the clean signal is not silent (within 40 dB of its
// loudest frame). An identical signal scores 35, the cap.
//
// The caller aligns the signals (Align, Piecewise): SegSNR compares
// clean[i] with degraded[i]. It does scale degraded by the least-squares
// gain sum(clean*degraded)/sum(degraded²) over the frames scored before
// taking the error, since a call changes the level: a copy at any gain
// scores 35 too. With white noise added at a signal-to-noise ratio of
// S dB in each frame, that gain leaves 10*log10(1 + 10^(S/10)) dB: S within
// 0.5 dB from 10 dB up.
//
// Lengths are handled as stoi.STOI handles them: a longer degraded signal
// is cut, one shorter by more than a tenth is ErrLength; a rate under
// 50 Hz is ErrRate, and fewer than 10 frames of speech ErrTooShort.
func SegSNR(clean, degraded []float64, rate int) (float64, error) {
	n, err := compared("SegSNR", clean, degraded, rate)
	if err != nil {
		return 0, err
	}
	fl := max(1, int(math.Round(segFrame*float64(rate))))
	nf := n / fl
	fe := make([]float64, nf)
	loudest := 0.0
	for f := range fe {
		fe[f] = energy(clean[f*fl : (f+1)*fl])
		loudest = max(loudest, fe[f])
	}
	active := func(f int) bool { return fe[f] > 0 && fe[f] >= loudest*silentRatio }
	var cd, dd float64
	kept := 0
	for f := range nf {
		if !active(f) {
			continue
		}
		kept++
		for i := f * fl; i < (f+1)*fl; i++ {
			cd += clean[i] * degraded[i]
			dd += degraded[i] * degraded[i]
		}
	}
	if kept < segMinFrames {
		return 0, fmt.Errorf("speechq.SegSNR: %d frames of speech, need %d: %w", kept, segMinFrames, ErrTooShort)
	}
	g := 0.0
	if dd > 0 {
		g = cd / dd
	}
	var sum float64
	for f := range nf {
		if !active(f) {
			continue
		}
		var ee float64
		for i := f * fl; i < (f+1)*fl; i++ {
			e := clean[i] - g*degraded[i]
			ee += e * e
		}
		snr := segMaxDB
		if ee > 0 {
			snr = min(segMaxDB, max(segMinDB, 10*math.Log10(fe[f]/ee)))
		}
		sum += snr
	}
	return sum / float64(kept), nil
}
