package audio_test

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/audio"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// mediaAudioDevice is media.AudioDevice, restated: hw imports no media
// package but the leaves media/wav, media/dsp and media/room.
type mediaAudioDevice interface {
	SampleRate() int
	Start(fn func(in, out []int16)) error
	Stop() error
}

var _ mediaAudioDevice = audio.Device(nil)

func TestNullIsPacedInRealTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d, err := audio.Open(audio.Config{Backend: "null", SampleRate: 16000, Period: 20 * time.Millisecond, Clock: hw.SystemClock()}, quiet())
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		var n int
		start := time.Now()
		var at []time.Duration
		err = d.Start(func(in, out []int16) {
			if len(in) != 320 || len(out) != 320 {
				t.Errorf("period of %d/%d samples, want 320", len(in), len(out))
			}
			for _, s := range in {
				if s != 0 {
					t.Error("null capture not silent")
					break
				}
			}
			n++
			at = append(at, time.Since(start))
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Start(func(in, out []int16) {}); !errors.Is(err, audio.ErrRunning) {
			t.Errorf("second Start = %v, want ErrRunning", err)
		}
		time.Sleep(time.Second + time.Millisecond)
		if err := d.Stop(); err != nil {
			t.Fatal(err)
		}
		if n != 50 || at[0] != 20*time.Millisecond || at[49] != time.Second {
			t.Fatalf("%d callbacks, first at %v, last at %v; want 50 from 20ms to 1s", n, at[0], at[len(at)-1])
		}
		if s := d.Stats(); s.Periods != 50 || s.Overruns != 0 {
			t.Errorf("Stats = %+v", s)
		}
	})
}

func TestLoopbackReturnsOutputOnePeriodLater(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d, err := audio.Open(audio.Config{Backend: "loopback", Clock: hw.SystemClock()}, quiet())
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if d.SampleRate() != 8000 {
			t.Errorf("default rate %d", d.SampleRate())
		}
		var n int16
		done := make(chan struct{})
		_ = d.Start(func(in, out []int16) {
			if len(in) != 80 {
				t.Errorf("default period gave %d samples, want 80", len(in))
			}
			if n > 0 && (in[0] != n-1 || in[79] != -(n-1)) {
				t.Errorf("callback %d: in = %d..%d, want the out of callback %d", n, in[0], in[79], n-1)
			}
			out[0], out[79] = n, -n
			if n++; n == 10 {
				close(done)
			}
		})
		<-done
		_ = d.Stop()
	})
}

func TestFileCapturesLoopedAndRecordsPlayback(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	outPath := filepath.Join(dir, "out.wav")
	src := make([]int16, 130) // not a multiple of the 80-sample period: exercises the wrap
	for i := range src {
		src[i] = int16(i*7 - 400)
	}
	writeWAV(t, in, 8000, src)
	synctest.Test(t, func(t *testing.T) {
		d, err := audio.Open(audio.Config{Backend: "file", Capture: in, Playback: outPath, Clock: hw.SystemClock()}, quiet())
		if err != nil {
			t.Fatal(err)
		}
		var got []int16
		_ = d.Start(func(in, out []int16) {
			got = append(got, in...)
			for i := range out {
				out[i] = in[i] / 2
			}
		})
		time.Sleep(50*time.Millisecond + time.Microsecond) // 5 periods
		_ = d.Stop()
		for i, s := range got {
			if s != src[i%len(src)] {
				t.Fatalf("capture sample %d = %d, want %d (looped file)", i, s, src[i%len(src)])
			}
		}
		rate, played := readWAV(t, outPath) // valid after Stop, before Close
		if rate != 8000 || len(played) != 400 || len(got) != 400 {
			t.Fatalf("played %d samples at %d Hz, captured %d; want 400 at 8000", len(played), rate, len(got))
		}
		for i := range played {
			if played[i] != got[i]/2 {
				t.Fatalf("played sample %d = %d, want %d", i, played[i], got[i]/2)
			}
		}
		_ = d.Start(func(in, out []int16) { out[0] = 1 })
		time.Sleep(10 * time.Millisecond)
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		if _, played := readWAV(t, outPath); len(played) != 480 {
			t.Errorf("after a second run and Close: %d samples, want 480", len(played))
		}
	})
}

func TestConfigValidate(t *testing.T) {
	bad := []audio.Config{
		{Backend: "oss"},
		{Backend: "null", SampleRate: 22050},
		{Backend: "null", SampleRate: 44100, Period: 15*time.Millisecond + time.Microsecond},
		{Backend: "null", Period: time.Second},
	}
	for _, c := range bad {
		if err := c.Validate(); !errors.Is(err, audio.ErrConfig) {
			t.Errorf("Validate(%+v) = %v, want ErrConfig", c, err)
		}
	}
	if err := (audio.Config{Backend: "null", SampleRate: 44100}).Validate(); err != nil {
		t.Errorf("44.1 kHz, 10 ms: %v", err)
	}
}

func writeWAV(t *testing.T, path string, rate int, s []int16) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := audio.EncodeWAV(f, rate, s); err != nil {
		t.Fatal(err)
	}
}

func readWAV(t *testing.T, path string) (int, []int16) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rate, s, err := audio.DecodeWAV(b)
	if err != nil {
		t.Fatal(err)
	}
	return rate, s
}
