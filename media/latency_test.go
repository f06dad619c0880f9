package media

import (
	"testing"
	"time"
)

// The pipeline's own delay, without network or scheduling: in lockstep B
// plays a frame in the period in which A sends it. The fake device hands
// over a period at once, so what a real pair of sound cards adds on top is
// one capture and one playback period.
func TestPipelineDelayLockstep(t *testing.T) {
	for _, tc := range []struct {
		rate int
		want time.Duration // in fake-device terms (add 2 periods for real cards)
		tol  time.Duration
	}{
		// a 20 ms frame is sent after its second 10 ms period: the first
		// sample waited one period; B plays it at once
		{8000, 10 * time.Millisecond, 0},
		// plus the 48 kHz <-> 8 kHz resamplers' filter delay (2 x ~2.1 ms)
		{48000, 10 * time.Millisecond, 5 * time.Millisecond},
	} {
		src := speechLike(8000*2, 7)
		mic, err := convertRate(src, 8000, tc.rate)
		must(t, err)
		l := newLinkAt(t, tc.rate, Config{}, Config{}, mic, nil, linkParams())
		l.step(150)
		out := l.devB.Played()
		if tc.rate != 8000 { // compare at 8 kHz
			out, err = convertRate(out, tc.rate, 8000)
			must(t, err)
		}
		lag := lagDur(bestLag(src, out, 2000, 10000, 400))
		st := l.strB.Stats()
		t.Logf("%d Hz device: capture-to-playout %v in lockstep (+%v for the device periods), playout delay %v, stretched/concealed %d",
			tc.rate, lag, 2*10*time.Millisecond, st.PlayoutDelay, st.Concealed)
		if lag < tc.want || lag > tc.want+tc.tol {
			t.Errorf("%d Hz: lag %v, want %v (+%v)", tc.rate, lag, tc.want, tc.tol)
		}
		if st.Underruns != 0 || st.Concealed != 0 {
			t.Errorf("%d Hz: %+v", tc.rate, st)
		}
	}
}
