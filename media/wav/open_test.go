package wav

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/skoip/skoip/media/dsp"
)

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pcm8 is a mono 8-bit file of d at rate Hz: header written, samples left
// as a hole (a sparse file costs no disk).
func pcm8(t *testing.T, dir, name string, rate int, d time.Duration) string {
	t.Helper()
	n := int(int64(rate) * int64(d) / int64(time.Second))
	h := riffFile(fmtChunk(1, 1, rate, 8), chunk{"data", nil})
	putHeader(h, TagPCM, 1, rate, 8, n)
	p := writeFile(t, dir, name, h)
	if err := os.Truncate(p, int64(len(h)+n+n&1)); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOpenRefusesWhatItCannotRead(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.wav")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := writeFile(t, dir, "big.wav", riffFile(fmtChunk(1, 1, 8000, 16), chunk{"data", nil}))
	os.Truncate(big, MaxFileSize+1)
	for _, c := range []struct {
		path string
		want error
		text string
	}{
		{fifo, ErrNotWAV, "not a regular file (a named pipe)"}, // must not block
		{"/dev/zero", ErrNotWAV, "not a regular file (a device)"},
		{dir, ErrNotWAV, "not a regular file (a directory)"},
		{filepath.Join(dir, "missing.wav"), os.ErrNotExist, "cannot open: no such file or directory"},
		{big, ErrTooLarge, "33554433 bytes, over the limit of 33554432 (32 MiB)"},
	} {
		_, err := Open(c.path)
		if !errors.Is(err, c.want) || err.Error() != c.path+": "+c.text {
			t.Errorf("Open(%s): err = %v, want %v: %q", c.path, err, c.want, c.text)
		}
	}
	for _, c := range hostile() {
		p := writeFile(t, dir, "hostile.wav", c.file)
		_, err := Open(p)
		if !errors.Is(err, c.want) || !strings.HasPrefix(err.Error(), p+": ") || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: err = %v, want %v naming the file and %q", c.name, err, c.want, c.text)
		}
	}
}

// A file that shrinks after Open fails with an error, never with short or
// made-up audio.
func TestReadAllFileShrank(t *testing.T) {
	p := pcm8(t, t.TempDir(), "a.wav", 8000, time.Second)
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	os.Truncate(p, 1000)
	if _, err := f.ReadAll(8000); !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), p) {
		t.Fatalf("ReadAll = %v, want ErrTruncated naming the file", err)
	}
}

func TestBudget(t *testing.T) {
	dir := t.TempDir()
	hour := pcm8(t, dir, "hour.wav", 8000, time.Hour) // 28.8 MB: under MaxFileSize
	min1 := pcm8(t, dir, "min1.wav", 8000, time.Minute)
	min2 := pcm8(t, dir, "min2.wav", 8000, time.Minute)
	min3 := pcm8(t, dir, "min3.wav", 8000, time.Minute)
	sec := pcm8(t, dir, "sec.wav", 8000, time.Second)
	link := filepath.Join(dir, "link.wav")
	if err := os.Symlink(min1, link); err != nil {
		t.Fatal(err)
	}

	b := PromptBudget()
	if _, _, err := b.Open(hour); !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), hour+": 1h0m0s long; a prompt may last at most 1m0s") {
		t.Errorf("1-hour prompt: %v", err)
	}
	for i, p := range []string{min1, min2, min3} {
		f, idx, err := b.Open(p)
		if err != nil || idx != i {
			t.Fatalf("%s: %d %v", p, idx, err)
		}
		f.Close()
	}
	if f, idx, err := b.Open(link); f != nil || idx != 0 || err != nil {
		t.Errorf("the same file again: %v %d %v, want nil 0 nil", f, idx, err)
	}
	if _, _, err := b.Open(sec); !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), "over the 3m0s that all prompts may last together") {
		t.Errorf("over the total: %v", err)
	}
	if _, _, err := CaptureBudget().Open(hour); !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), "a capture file may last at most 5m0s") {
		t.Errorf("1-hour capture: %v", err)
	}
}

// Decoding allocates the result and a few KiB, whatever the file declares:
// nothing is read into memory whole.
func TestReadAllMemory(t *testing.T) {
	p := pcm8(t, t.TempDir(), "min.wav", 48000, time.Minute)
	for _, rate := range []int{48000, 8000} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.ReadAll(rate)
		f.Close()
		runtime.ReadMemStats(&after)
		if err != nil || len(s) != rate*60 {
			t.Fatalf("ReadAll(%d): %d samples, %v", rate, len(s), err)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		if limit := uint64(2*len(s)) + 256<<10; alloc > limit {
			t.Errorf("ReadAll(%d) of a 2.9 MB file allocated %d bytes, want at most %d (the result and 256 KiB)", rate, alloc, limit)
		}
		t.Logf("ReadAll(%d): %d samples, %d bytes allocated", rate, len(s), alloc)
	}
}

// Every rate the decoder accepts converts to every device rate (hw/audio:
// 8000, 16000, 44100, 48000): what check-config accepts, run can resample.
// (Most rates between 8 and 48 kHz cannot: 30,728 of them need a filter
// longer than dsp builds.)
func TestAcceptedRatesConvert(t *testing.T) {
	for _, from := range Rates() {
		for _, to := range []int{8000, 16000, 44100, 48000} {
			if _, err := dsp.NewResampler(from, to); err != nil {
				t.Errorf("%d Hz -> %d Hz: %v", from, to, err)
			}
		}
	}
}
