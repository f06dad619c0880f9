package media_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/media/wav"
)

func sine(rate int, freq, amp float64, n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(math.Round(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))))
	}
	return s
}

func writeMono(t *testing.T, dir, name string, rate int, s []int16) string {
	t.Helper()
	var b bytes.Buffer
	if err := wav.WriteMono16(&b, rate, s); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// stereo24 writes a 24-bit stereo file by hand: left = s, right = silence.
func stereo24(t *testing.T, dir string, rate int, s []int16) string {
	t.Helper()
	data := make([]byte, 0, 6*len(s))
	for _, v := range s {
		x := int32(v) << 8
		data = append(data, byte(x), byte(x>>8), byte(x>>16), 0, 0, 0)
	}
	h := make([]byte, 44)
	le := binary.LittleEndian
	copy(h, "RIFF")
	le.PutUint32(h[4:], uint32(36+len(data)))
	copy(h[8:], "WAVEfmt ")
	le.PutUint32(h[16:], 16)
	le.PutUint16(h[20:], 1)
	le.PutUint16(h[22:], 2)
	le.PutUint32(h[24:], uint32(rate))
	le.PutUint32(h[28:], uint32(rate*6))
	le.PutUint16(h[32:], 6)
	le.PutUint16(h[34:], 24)
	copy(h[36:], "data")
	le.PutUint32(h[40:], uint32(len(data)))
	p := filepath.Join(dir, "stereo24.wav")
	if err := os.WriteFile(p, append(h, data...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func peak(s []int16) float64 {
	m := 0.0
	for _, v := range s {
		m = math.Max(m, math.Abs(float64(v)))
	}
	return m
}

func rms(s []int16) float64 {
	var sum float64
	for _, v := range s {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(len(s)))
}

func TestLoadPromptConverts(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		path      string
		wantPeak  float64 // the stereo file's right channel is silent: half level
		rate      int
		wantCount int
	}{
		{writeMono(t, dir, "48k.wav", 48000, sine(48000, 1000, 16000, 48000)), 16000, 8000, 8000},
		{writeMono(t, dir, "8k.wav", 8000, sine(8000, 1000, 16000, 8000)), 16000, 8000, 8000},
		{writeMono(t, dir, "16k.wav", 16000, sine(16000, 1000, 16000, 8000)), 16000, 48000, 24000},
		{stereo24(t, dir, 44100, sine(44100, 1000, 16000, 44100)), 8000, 8000, 8000},
	}
	for _, c := range cases {
		p, err := media.LoadPrompt(c.path, c.rate)
		if err != nil {
			t.Fatal(err)
		}
		s := p.Samples()
		if len(s) != c.wantCount || p.Rate() != c.rate || p.Duration() != time.Duration(c.wantCount)*time.Second/time.Duration(c.rate) {
			t.Errorf("%s: %d samples at %d Hz (%v), want %d", filepath.Base(c.path), len(s), p.Rate(), p.Duration(), c.wantCount)
			continue
		}
		mid := s[len(s)/4 : 3*len(s)/4]
		if d := 20 * math.Log10(rms(mid)*math.Sqrt2/c.wantPeak); d < -0.3 || d > 0.3 {
			t.Errorf("%s: level changed by %.2f dB", filepath.Base(c.path), d)
		}
		// The filter delay is compensated: the tone is there from the start
		// (1 kHz reaches its first peak after 0.25 ms) and up to the end.
		head, tail := s[:c.rate/500], s[len(s)-c.rate/500:]
		if peak(head) < c.wantPeak/2 || peak(tail) < c.wantPeak/2 {
			t.Errorf("%s: onset/ending lost: head peak %.0f, tail peak %.0f", filepath.Base(c.path), peak(head), peak(tail))
		}
	}
}

func TestLoadPromptErrors(t *testing.T) {
	dir := t.TempDir()
	trunc := writeMono(t, dir, "trunc.wav", 8000, sine(8000, 440, 1000, 800))
	b, _ := os.ReadFile(trunc)
	os.WriteFile(trunc, b[:len(b)/2], 0o644)
	empty := filepath.Join(dir, "empty.wav")
	os.WriteFile(empty, nil, 0o644)
	zero := writeMono(t, dir, "zero.wav", 8000, nil)
	for _, c := range []struct {
		path string
		want error
	}{
		{trunc, wav.ErrTruncated},
		{empty, wav.ErrNotWAV},
		{zero, wav.ErrNoSamples},
		{filepath.Join(dir, "missing.wav"), os.ErrNotExist},
	} {
		_, err := media.LoadPrompt(c.path, 8000)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("LoadPrompt(%s): err = %v, want %v naming the file", filepath.Base(c.path), err, c.want)
		}
	}
	ok := writeMono(t, dir, "ok.wav", 8000, sine(8000, 440, 1000, 800))
	if _, err := media.LoadPrompt(ok, 1); err == nil || !strings.Contains(err.Error(), ok) {
		t.Errorf("LoadPrompt at 1 Hz: err = %v", err)
	}
}

func TestPromptReaderFrames(t *testing.T) {
	s := sine(8000, 440, 1000, 330)
	r := media.NewPrompt("tone", 8000, s).NewReader()
	frame := make([]int16, 160)
	var got []int16
	for {
		n := r.NextFrame(frame)
		if n == 0 {
			break
		}
		got = append(got, frame[:n]...)
	}
	if len(got) != len(s) || !r.Done() || got[200] != s[200] {
		t.Fatalf("read %d of %d samples, done %v", len(got), len(s), r.Done())
	}
	r.Rewind()
	if a := testing.AllocsPerRun(10, func() { r.NextFrame(frame) }); a != 0 {
		t.Errorf("NextFrame allocates %v", a)
	}

	r.Rewind()
	mix := make([]int16, 160)
	for i := range mix {
		mix[i] = 32000
	}
	if n := r.MixFrame(mix, 1); n != 160 {
		t.Fatalf("MixFrame = %d", n)
	}
	for i, v := range mix {
		if want := min(32767, 32000+int(s[i])); int(v) != want {
			t.Fatalf("mix[%d] = %d, want %d (saturating)", i, v, want)
		}
	}
}

// hourPCM8 writes the header of a mono 8-bit file of d at rate Hz and
// leaves its samples a hole (a sparse file: no disk used).
func hourPCM8(t *testing.T, dir, name string, rate int, d time.Duration) string {
	t.Helper()
	n := int(int64(rate) * int64(d) / int64(time.Second))
	p := writeMono(t, dir, name, rate, nil)
	b, _ := os.ReadFile(p)
	le := binary.LittleEndian
	le.PutUint32(b[4:], uint32(36+n+n&1))
	le.PutUint32(b[28:], uint32(rate))
	le.PutUint16(b[32:], 1)
	le.PutUint16(b[34:], 8)
	le.PutUint32(b[40:], uint32(n))
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, int64(44+n+n&1)); err != nil {
		t.Fatal(err)
	}
	return p
}

// The same file named for every prompt is decoded once; a link to it too.
func TestPromptSetShares(t *testing.T) {
	dir := t.TempDir()
	p := hourPCM8(t, dir, "minute.wav", 48000, time.Minute)
	link := filepath.Join(dir, "link.wav")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s := media.NewPromptSet(8000)
	first, err := s.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{p, link, filepath.Join(dir, ".", "minute.wav"), p, p} {
		again, err := s.Load(q)
		if err != nil || again != first {
			t.Fatalf("Load(%s) = %p, %v; want the shared %p", q, again, err, first)
		}
	}
	runtime.ReadMemStats(&after)
	// One decoded copy (480,000 samples at 8 kHz, 960 KB) and a few KiB.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 2*480000+512<<10 {
		t.Errorf("six prompts of one 60 s file allocated %d bytes, want one copy of 960000 and at most 512 KiB more", alloc)
	} else {
		t.Logf("six prompts of one 60 s 48 kHz file: %d bytes allocated", alloc)
	}
}

// A legal 1-hour WAV (28.8 MB of 8-bit samples) is refused from its header,
// before anything is decoded.
func TestPromptSetRefusesLongPrompts(t *testing.T) {
	dir := t.TempDir()
	hour := hourPCM8(t, dir, "hour.wav", 8000, time.Hour)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := media.NewPromptSet(8000).Load(hour)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, wav.ErrTooLong) || !strings.Contains(err.Error(), hour+": 1h0m0s long; a prompt may last at most 1m0s") {
		t.Fatalf("1-hour prompt: %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<10 {
		t.Errorf("refusing a 1-hour prompt allocated %d bytes", alloc)
	}

	s := media.NewPromptSet(8000)
	for i := range 3 {
		if _, err := s.Load(hourPCM8(t, dir, fmt.Sprintf("m%d.wav", i), 8000, time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	last := hourPCM8(t, dir, "last.wav", 8000, time.Second)
	if _, err := s.Load(last); !errors.Is(err, wav.ErrTooLong) || !strings.Contains(err.Error(), last+": 1s long; with the 3m0s") {
		t.Fatalf("over the total: %v", err)
	}
}
