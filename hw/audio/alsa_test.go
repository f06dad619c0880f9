//go:build cgo

package audio_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/hw/audio"
)

// needALSA skips when libasound2 is absent: miniaudio loads it at run time.
func needALSA(t *testing.T) {
	t.Helper()
	for _, pat := range []string{"/usr/lib/*/libasound.so.2", "/lib/*/libasound.so.2", "/usr/lib/libasound.so.2", "/usr/lib64/libasound.so.2"} {
		if m, _ := filepath.Glob(pat); len(m) > 0 {
			return
		}
	}
	t.Skip("libasound.so.2 not installed (apt-get install libasound2): cannot test the ALSA path")
}

// fileALSA writes the file-backed ALSA config for dir and points
// ALSA_CONFIG_PATH at it.
func fileALSA(t *testing.T, dir string, rate int) {
	t.Helper()
	tmpl, err := os.ReadFile("../../testdata/alsa/file-pcm.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.NewReplacer("@DIR@", dir, "@RATE@", strconv.Itoa(rate)).Replace(string(tmpl))
	path := filepath.Join(dir, "asound.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ALSA_CONFIG_PATH", path)
}

func le(s []int16) []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.LittleEndian, s)
	return b.Bytes()
}

// runFilePCM opens the file-backed PCM with capture and playback as given,
// runs fn for periods callbacks and returns the total periods delivered.
func runFilePCM(t *testing.T, capture, playback string, periods int, fn func(n int, in, out []int16)) uint64 {
	t.Helper()
	d, err := audio.Open(audio.Config{Backend: "alsa", Capture: capture, Playback: playback}, quiet())
	if err != nil {
		t.Fatalf("open the file-backed ALSA PCM: %v", err)
	}
	done := make(chan struct{})
	n := 0
	err = d.Start(func(in, out []int16) {
		if n < periods {
			fn(n, in, out)
		} else if n == periods+8 { // the played periods have left the 4-period buffer
			close(done)
		}
		n++
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("no periods from the file-backed ALSA PCM")
	}
	_ = d.Stop()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	return d.Stats().Periods
}

const period, periods = 80, 200

// The stream runs from Open and Start only attaches the consumer, so the
// unpaced file PCM has already moved on when the first callback reaches
// fn: what fn sees must be a contiguous, period-aligned run of the input,
// and what it plays a contiguous run of the output, silence around it.

func checkCapture(t *testing.T, pcm, captured []int16) int {
	t.Helper()
	// A duplex device is primed with periods of silence before the first
	// captured one; Start may come before them.
	for i := 0; i < 2 && !bytes.ContainsFunc(le(captured[:period]), func(r rune) bool { return r != 0 }); i++ {
		captured = captured[period:]
	}
	skip := bytes.Index(le(pcm), le(captured[:period]))
	if skip < 0 || skip%(2*period) != 0 {
		t.Fatalf("the first captured period is not a period of the WAV (byte offset %d)", skip)
	}
	skip /= 2
	got, want := le(captured), le(pcm[skip:skip+len(captured)])
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && got[i] == want[i] {
			i++
		}
		t.Fatalf("capture differs from the WAV's samples at byte %d of %d", i, len(want))
	}
	return skip
}

func checkPlayback(t *testing.T, out []byte, played []int16, total uint64) int {
	t.Helper()
	p := le(played)
	at := bytes.Index(out, p)
	if at < 0 || at%(2*period) != 0 {
		t.Fatalf("out.raw does not hold exactly what was played (offset %d)", at)
	}
	isSound := func(r rune) bool { return r != 0 }
	if bytes.ContainsFunc(out[:at], isSound) || bytes.ContainsFunc(out[at+len(p):], isSound) {
		t.Error("out.raw has sound before or after what was played")
	}
	// Up to the device buffer (4 periods) may still be queued at Close.
	if got := uint64(len(out) / 2 / period); got > total+1 || got+4 < total {
		t.Errorf("out.raw holds %d periods, the device delivered %d", got, total)
	}
	return at / 2
}

func writeInput(t *testing.T, dir string) []int16 {
	t.Helper()
	// The WAV sent through capture: its samples become the PCM's input.
	var wav bytes.Buffer
	if err := audio.EncodeWAV(&wav, 8000, speechLike(8000*180)); err != nil {
		t.Fatal(err)
	}
	_, pcm, err := audio.DecodeWAV(wav.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "in.raw"), le(pcm), 0o644); err != nil {
		t.Fatal(err)
	}
	return pcm
}

func TestALSAFilePCMCaptureIsByteExact(t *testing.T) {
	needALSA(t)
	dir := t.TempDir()
	fileALSA(t, dir, 8000)
	pcm := writeInput(t, dir)
	var captured []int16
	total := runFilePCM(t, "capfile", "none", periods, func(_ int, in, _ []int16) {
		captured = append(captured, in...)
	})
	skip := checkCapture(t, pcm, captured)
	t.Logf("capture: %d periods through libasound, %d samples identical from file sample %d", total, len(captured), skip)
}

func TestALSAFilePCMPlaybackIsByteExact(t *testing.T) {
	needALSA(t)
	dir := t.TempDir()
	fileALSA(t, dir, 8000)
	ref := speechLike(period * periods)
	var played []int16
	total := runFilePCM(t, "none", "playfile", periods, func(n int, _, out []int16) {
		copy(out, ref[n*period:])
		played = append(played, out...)
	})
	out, err := os.ReadFile(filepath.Join(dir, "out.raw"))
	if err != nil {
		t.Fatal(err)
	}
	at := checkPlayback(t, out, played, total)
	t.Logf("playback: %d periods through libasound, %d samples identical at file sample %d", total, len(played), at)
}

func TestALSAFilePCMDuplexIsByteExact(t *testing.T) {
	needALSA(t)
	dir := t.TempDir()
	fileALSA(t, dir, 8000)
	pcm := writeInput(t, dir)
	var captured, played []int16
	total := runFilePCM(t, "capfile", "playfile", periods, func(n int, in, out []int16) {
		captured = append(captured, in...)
		for i := range out {
			out[i] = in[i]>>1 | 1 // a function of the input, never silent
		}
		played = append(played, out...)
	})
	out, err := os.ReadFile(filepath.Join(dir, "out.raw"))
	if err != nil {
		t.Fatal(err)
	}
	skip := checkCapture(t, pcm, captured)
	at := checkPlayback(t, out, played, total)
	t.Logf("duplex: %d periods; capture identical from sample %d, playback identical at sample %d", total, skip, at)
}

func TestOpenOrFallbackWithoutSoundCard(t *testing.T) {
	needALSA(t)
	dir := t.TempDir()
	fileALSA(t, dir, 8000) // knows no "nosuchcard"
	d, err := audio.OpenOrFallback(audio.Config{Backend: "alsa", Capture: "nosuchcard", Playback: "nosuchcard"}, quiet())
	if err != nil {
		t.Fatalf("OpenOrFallback = %v, want the null device", err)
	}
	defer d.Close()
	if _, err := audio.Open(audio.Config{Backend: "alsa", Capture: "nosuchcard", Playback: "nosuchcard"}, quiet()); err == nil {
		t.Fatal("Open of a missing PCM succeeded")
	}
}
