package audio_test

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/hw/audio"
	"github.com/skoip/skoip/media/wav"
)

// stereo16 writes a 16-bit stereo file of frames (left, right) at rate Hz.
func stereo16(t *testing.T, path string, rate int, frames [][2]int16) {
	t.Helper()
	h := make([]byte, 44, 44+4*len(frames))
	le := binary.LittleEndian
	copy(h, "RIFF")
	le.PutUint32(h[4:], uint32(36+4*len(frames)))
	copy(h[8:], "WAVEfmt ")
	le.PutUint32(h[16:], 16)
	le.PutUint16(h[20:], 1)
	le.PutUint16(h[22:], 2)
	le.PutUint32(h[24:], uint32(rate))
	le.PutUint32(h[28:], uint32(rate*4))
	le.PutUint16(h[32:], 4)
	le.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	le.PutUint32(h[40:], uint32(4*len(frames)))
	for _, f := range frames {
		h = le.AppendUint16(h, uint16(f[0]))
		h = le.AppendUint16(h, uint16(f[1]))
	}
	if err := os.WriteFile(path, h, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A capture file of another rate is resampled to the device's, a stereo
// one mixed down: not refused.
func TestFileResamplesAndMixesDownCapture(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.wav")
	frames := make([][2]int16, 16000) // 1 s at 16 kHz: 1000 on the left, 3000 on the right
	for i := range frames {
		frames[i] = [2]int16{1000, 3000}
	}
	stereo16(t, in, 16000, frames)
	synctest.Test(t, func(t *testing.T) {
		d, err := audio.Open(audio.Config{Backend: "file", Capture: in, SampleRate: 8000, Clock: hw.SystemClock()}, quiet())
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		var got []int16
		_ = d.Start(func(in, out []int16) { got = append(got, in...) })
		time.Sleep(500*time.Millisecond + time.Microsecond)
		_ = d.Stop()
		if len(got) != 4000 {
			t.Fatalf("captured %d samples in 500 ms at 8 kHz, want 4000", len(got))
		}
		// Past the filter's onset, the mono mix (2000) at the new rate.
		for i, s := range got[100:] {
			if s < 1990 || s > 2010 {
				t.Fatalf("sample %d = %d, want 2000 (the mean of 1000 and 3000)", 100+i, s)
			}
		}
	})
}

// Every hostile capture file is refused by Open, at once and with an
// error that names it; none blocks, crashes or fills the memory.
func TestFileRefusesHostileCapture(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var good []byte
	{
		p := filepath.Join(dir, "good.wav")
		writeWAV(t, p, 8000, make([]int16, 100))
		good, _ = os.ReadFile(p)
	}
	with := func(off int, v uint32, size int) []byte {
		b := append([]byte(nil), good...)
		if size == 2 {
			binary.LittleEndian.PutUint16(b[off:], uint16(v))
		} else {
			binary.LittleEndian.PutUint32(b[off:], v)
		}
		return b
	}
	fifo := filepath.Join(dir, "fifo.wav")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	long := write("long.wav", with(40, 8000*301*2, 4))       // 301 s declared...
	if err := os.Truncate(long, 44+8000*301*2); err != nil { // ...and there (sparse)
		t.Fatal(err)
	}
	big := write("big.wav", good)
	if err := os.Truncate(big, wav.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		text string
	}{
		{fifo, "not a regular file (a named pipe)"},
		{"/dev/urandom", "not a regular file (a device)"},
		{write("4gb.wav", with(40, 0xFFFFFFFF, 4)), "declares 4294967295 bytes, only 200 follow"},
		{write("odd.wav", append(with(40, 201, 4), 0)), "201 bytes is not a whole number of 2-byte frames"},
		{write("align0.wav", with(32, 0, 2)), "block align 0, want 2"},
		{write("mp3.wav", mp3Extensible(good)), "sub-format 00000055-0000-0010-8000-00aa00389b71"},
		{long, "5m1s long; a capture file may last at most 5m0s"},
		{big, "over the limit of 33554432"},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := audio.Open(audio.Config{Backend: "file", Capture: c.path}, quiet())
		runtime.ReadMemStats(&after)
		if !errors.Is(err, audio.ErrWAV) || !strings.Contains(err.Error(), c.path+": ") || !strings.Contains(err.Error(), c.text) {
			t.Errorf("Open(%s): %v, want ErrWAV naming the file and %q", filepath.Base(c.path), err, c.text)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<10 {
			t.Errorf("refusing %s allocated %d bytes", filepath.Base(c.path), alloc)
		}
	}
}

// mp3Extensible turns a 16-bit mono PCM file into WAVE_FORMAT_EXTENSIBLE
// whose sub-format GUID is MP3's (0x0055).
func mp3Extensible(good []byte) []byte {
	le := binary.LittleEndian
	fmtBody := append([]byte(nil), good[20:36]...)
	le.PutUint16(fmtBody[0:], 0xFFFE)
	ext := make([]byte, 24)
	le.PutUint16(ext[0:], 22)
	le.PutUint16(ext[2:], 16)
	le.PutUint32(ext[8:], 0x55)
	copy(ext[12:], "\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71")
	b := append([]byte("RIFF\x00\x00\x00\x00WAVEfmt \x28\x00\x00\x00"), fmtBody...)
	b = append(b, ext...)
	b = append(b, good[36:]...)
	le.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// A FIFO as the playback file fails Open at once (creating it for writing
// once waited for a reader for ever); /dev/null discards the output.
func TestFilePlaybackNeverBlocks(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "out.wav")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := audio.Open(audio.Config{Backend: "file", Playback: fifo}, quiet())
	if err == nil || !strings.Contains(err.Error(), fifo+": a named pipe") {
		t.Fatalf("Open with a FIFO as playback: %v", err)
	}
	d, err := audio.Open(audio.Config{Backend: "file", Playback: os.DevNull}, quiet())
	if err != nil {
		t.Fatalf("Open with /dev/null as playback: %v", err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}
