package aec

import (
	"fmt"
	"testing"
	"time"

	"github.com/skoip/skoip/internal/testsupport/stoi"
	simroom "github.com/skoip/skoip/media/room"
)

// roomRun is runScene with the output, the echo and the near end.
func roomRun(t *testing.T, rc simroom.Config, cfg Config, far []int16) (out []int16, echo, near []float64) {
	t.Helper()
	r := runScene(t, rc, cfg, far)
	return r.out, r.echo, r.near
}

// TestRooms runs the canceller in media/room's simulated rooms and logs the
// figures: TCL (far end over the output) in single talk from 2 s on and in
// the first seconds; with a near-end talker at the echo's level, its level
// and STOI in the output.
func TestRooms(t *testing.T) {
	measurement(t)
	if testing.Short() {
		t.Skip("room simulations")
	}
	for _, tc := range []struct {
		rate       int
		delay, t60 time.Duration
		ppm        float64
		minTCL     float64
	}{
		{8000, 40 * time.Millisecond, 300 * time.Millisecond, 0, 30},
		{8000, 150 * time.Millisecond, 500 * time.Millisecond, 0, 30},
		{8000, 80 * time.Millisecond, 800 * time.Millisecond, 0, 25},
		{8000, 80 * time.Millisecond, 300 * time.Millisecond, 200, 25},
		{16000, 80 * time.Millisecond, 500 * time.Millisecond, 0, 30},
	} {
		name := fmt.Sprintf("%d/%v/%v/%+.0fppm", tc.rate, tc.delay, tc.t60, tc.ppm)
		t.Run(name, func(t *testing.T) {
			rate, n := tc.rate, 20*tc.rate
			far := speech(t, "door", rate, n)
			rc := simroom.Config{Rate: rate, Delay: tc.delay, T60: tc.t60, DriftPPM: tc.ppm, Seed: 1}
			cfg := Config{Rate: rate, EchoCancel: true, NoiseSuppress: 15}
			out, _, _ := roomRun(t, rc, cfg, far)
			tcl := ratioDB(far, out, 2*rate, n)
			rc.Talker, rc.TalkerLoop = speech(t, "inside", rate, n), true
			dt, echo, near := roomRun(t, rc, cfg, far)
			g, lag := nearGainDB(dt, near, 5*rate, n, rate)
			clean, got := make([]int16, 0, n), make([]int16, 0, n)
			for i := 5 * rate; i+lag < n; i++ {
				clean, got = append(clean, sat(near[i])), append(got, dt[i+lag])
			}
			score, err := stoi.Int16(clean, got, rate)
			if err != nil {
				t.Fatal(err)
			}
			mic := make([]int16, 0, n) // the microphone unprocessed, for comparison
			for i := 5 * rate; i+lag < n; i++ {
				mic = append(mic, sat(near[i]+echo[i]))
			}
			base, err := stoi.Int16(clean[:len(mic)], mic, rate)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("TCL 2-20 s %.1f dB (0.5-1 s %.1f, 1-2 s %.1f); echo/near %.1f dB; near end %.1f dB, STOI %.2f (microphone %.2f)",
				tcl, ratioDB(far, out, rate/2, rate), ratioDB(far, out, rate, 2*rate), ratioDB(echo, near, 5*rate, n), g, score, base)
			if tcl < tc.minTCL {
				t.Errorf("TCL %.1f dB, want >= %.0f", tcl, tc.minTCL)
			}
		})
	}
}

// TestRoomPathChange: the echo path's gain steps at 8 s in a media/room
// room; the canceller is back to 30 dB after a second. A +6 dB step from
// an echo already as loud as the far end clips the microphone: 15-25 dB in
// the second after the step, 40 dB after.
func TestRoomPathChange(t *testing.T) {
	measurement(t)
	if testing.Short() {
		t.Skip("room simulations")
	}
	rate, n := 8000, 16*8000
	far := speech(t, "door", rate, n)
	for _, tc := range []struct{ gain, step float64 }{{0, -10}, {-8, 6}, {0, 6}} {
		rc := simroom.Config{Rate: rate, Delay: 60 * time.Millisecond, T60: 400 * time.Millisecond,
			EchoGainDB: tc.gain, ChangeAt: 8 * time.Second, ChangeGainDB: tc.step, Seed: 2}
		out, _, _ := roomRun(t, rc, Config{Rate: rate, EchoCancel: true, NoiseSuppress: 15}, far)
		first, after := ratioDB(far, out, 8*rate, 9*rate), ratioDB(far, out, 9*rate, n)
		t.Logf("%+.0f dB step: TCL 8-9 s %.1f dB, 9-16 s %.1f dB", tc.step, first, after)
		if after < 30 {
			t.Errorf("%+.0f dB step: TCL 9-16 s %.1f dB, want >= 30", tc.step, after)
		}
	}
}

// TestRoomLoudEcho: the echo's direct path is 3 to 10 dB louder than what
// was played, so the microphone clips on loud syllables; clipped frames
// are muted while the far end talks. Measured TCL from 2 s: 51 (+3 dB),
// 43 (+6 dB), 31 dB (+10 dB), against 23, 14 and 8 dB without the mute.
func TestRoomLoudEcho(t *testing.T) {
	measurement(t)
	if testing.Short() {
		t.Skip("room simulations")
	}
	rate, n := 8000, 12*8000
	far := speech(t, "door", rate, n)
	for _, tc := range []struct{ gain, min float64 }{{3, 40}, {6, 35}, {10, 25}} {
		rc := simroom.Config{Rate: rate, Delay: 60 * time.Millisecond, T60: 400 * time.Millisecond, EchoGainDB: tc.gain, Seed: 2}
		out, _, _ := roomRun(t, rc, Config{Rate: rate, EchoCancel: true, NoiseSuppress: 15}, far)
		tcl := ratioDB(far, out, 2*rate, n)
		t.Logf("echo %+.0f dB: TCL 2-12 s %.1f dB", tc.gain, tcl)
		if tcl < tc.min {
			t.Errorf("echo %+.0f dB: TCL %.1f dB, want >= %.0f", tc.gain, tcl, tc.min)
		}
	}
}
