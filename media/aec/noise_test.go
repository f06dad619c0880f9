package aec

import (
	"math"
	"testing"
)

// TestNoiseSuppression: speech with white noise at 5 dB SNR and a 2 s pause
// (4-6 s); 15 dB of suppression lowers the noise in the pause by at least
// 10 dB more than it lowers the speech (its least-squares gain elsewhere),
// and the noise level estimate is within 3 dB.
func TestNoiseSuppression(t *testing.T) {
	for _, rate := range []int{8000, 16000} {
		n := 10 * rate
		talk := floats(speech(t, "inside", rate, n), 1)
		clear(talk[4*rate : 6*rate])
		var e float64
		for _, v := range talk {
			e += v * v
		}
		rms := math.Sqrt(e/float64(n-2*rate)) / math.Pow(10, 5.0/20)
		nz := noise(n, rms, 11)
		p := mustNew(t, Config{Rate: rate, NoiseSuppress: 15})
		out := drive(p, nil, mix(n, talk, nz), rate/50)
		gs, _ := nearGainDB(out, talk, 6*rate, n, rate)
		gn := -ratioDB(nz, out, 4*rate+rate/10, 6*rate)
		t.Logf("%d Hz: speech %.1f dB, noise %.1f dB: SNR +%.1f dB", rate, gs, gn, gs-gn)
		if gs-gn < 10 || gs < -3 {
			t.Errorf("%d Hz: speech %.1f dB, noise %.1f dB, want SNR +10 dB and speech within 3 dB", rate, gs, gn)
		}
		want := dBFS(rms * rms)
		if got := p.Stats().NoiseDB; math.Abs(got-want) > 3 {
			t.Errorf("%d Hz: noise estimate %.1f dBFS, want %.1f ± 3", rate, got, want)
		}
	}
}
