package audio_test

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/audio"
	"github.com/skoip/skoip/media/room"
)

// TestRoomEchoesWhatWasPlayed: noise played into a room device comes back
// in the capture one period plus the room's delay (plus 5 to 8 cm of air:
// 1 to 2 samples at 8 kHz) later, at the room's echo gain; and what was
// played is recorded to the Playback file.
func TestRoomEchoesWhatWasPlayed(t *testing.T) {
	rec := filepath.Join(t.TempDir(), "played.wav")
	synctest.Test(t, func(t *testing.T) {
		const period, delay = 80, 240 // samples: 10 ms and 30 ms at 8 kHz
		d, err := audio.Open(audio.Config{Backend: audio.BackendRoom, Clock: hw.SystemClock(), Playback: rec,
			Room: &room.Config{Delay: 30 * time.Millisecond, EchoGainDB: -6, Seed: 3}}, quiet())
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		r := rand.New(rand.NewPCG(1, 1))
		var played, captured []int16
		err = d.Start(func(in, out []int16) {
			captured = append(captured, in...)
			if len(played) < 20*period {
				for i := range out {
					out[i] = int16(r.NormFloat64() * 4000)
				}
			}
			played = append(played, out...)
		})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second + time.Millisecond)
		if err := d.Stop(); err != nil {
			t.Fatal(err)
		}
		if len(captured) != 100*period {
			t.Fatalf("captured %d samples in 1 s, want 8000", len(captured))
		}
		best, bestLag := 0.0, 0
		for lag := range 1000 {
			if c := xcorr(played, captured, lag); c > best {
				best, bestLag = c, lag
			}
		}
		if bestLag < period+delay+1 || bestLag > period+delay+2 {
			t.Errorf("echo at a lag of %d samples, want %d to %d", bestLag, period+delay+1, period+delay+2)
		}
		if best < 0.3 || best > 0.6 {
			t.Errorf("echo gain %.2f at the peak, want about 0.5 (-6 dB less the fraction of a sample)", best)
		}
		b, err := os.ReadFile(rec)
		if err != nil {
			t.Fatal(err)
		}
		if _, got, err := audio.DecodeWAV(b); err != nil || !slices.Equal(got, played) {
			t.Errorf("recorded playback: %d samples (err %v), want the %d played", len(got), err, len(played))
		}
	})
}

// xcorr is the correlation of y with x delayed by lag, normalised by the
// energy of x: the echo's gain at that lag.
func xcorr(x, y []int16, lag int) float64 {
	var s, e float64
	for i := range x {
		if i+lag < len(y) {
			s += float64(x[i]) * float64(y[i+lag])
		}
		e += float64(x[i]) * float64(x[i])
	}
	return s / e
}

// TestRoomCapturesTheTalker: with nothing played, the capture is the
// room's talker (looped), at the device's rate.
func TestRoomCapturesTheTalker(t *testing.T) {
	talker := make([]int16, 250) // not a multiple of the 160-sample period
	for i := range talker {
		talker[i] = int16(i*11 - 1300)
	}
	synctest.Test(t, func(t *testing.T) {
		d, err := audio.Open(audio.Config{Backend: audio.BackendRoom, SampleRate: 16000, Clock: hw.SystemClock(),
			Room: &room.Config{Rate: 8000, T60: 300 * time.Millisecond, Talker: talker, TalkerLoop: true}}, quiet())
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if d.SampleRate() != 16000 {
			t.Errorf("rate %d, want the device's 16000", d.SampleRate())
		}
		var got []int16
		_ = d.Start(func(in, out []int16) { got = append(got, in...) })
		time.Sleep(50*time.Millisecond + time.Microsecond)
		_ = d.Stop()
		if len(got) != 800 {
			t.Fatalf("captured %d samples, want 800", len(got))
		}
		for i, s := range got {
			if s != talker[i%len(talker)] {
				t.Fatalf("sample %d = %d, want the talker's %d", i, s, talker[i%len(talker)])
			}
		}
	})
}

func TestRoomConfigValidate(t *testing.T) {
	for _, c := range []struct {
		cfg  audio.Config
		want string
	}{
		{audio.Config{Backend: "room"}, "no room settings"},
		{audio.Config{Backend: "room", Room: &room.Config{Delay: time.Second}}, "delay 1s: want 0 to 500ms"},
		{audio.Config{Backend: "room", Room: &room.Config{Noise: "rain"}}, "noise \"rain\""},
	} {
		err := c.cfg.Validate()
		if !errors.Is(err, audio.ErrConfig) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Validate(%+v) = %v, want ErrConfig saying %q", c.cfg, err, c.want)
		}
		if c.cfg.Room != nil && !errors.Is(err, room.ErrConfig) {
			t.Errorf("Validate(%+v) = %v, want it to wrap room.ErrConfig too", c.cfg, err)
		}
		if _, err := audio.Open(c.cfg, quiet()); !errors.Is(err, audio.ErrConfig) {
			t.Errorf("Open(%+v) = %v, want ErrConfig", c.cfg, err)
		}
	}
	rc := &room.Config{Rate: 1} // the device's rate replaces it
	if err := (audio.Config{Backend: "room", SampleRate: 48000, Room: rc}).Validate(); err != nil || rc.Rate != 1 {
		t.Errorf("Validate = %v, room rate now %d; want nil and the caller's config untouched", err, rc.Rate)
	}
}
