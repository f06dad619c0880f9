package main

import (
	"context"
	byteorder "encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/intercom"
	"github.com/skoip/skoip/config"
)

// wavFile writes a PCM WAV header (block align block, data chunk declaring
// dataLen bytes) and makes the file size bytes long: a sparse hole, so that
// an hour of audio costs no disk.
func wavFile(t *testing.T, path string, channels, rate, bits, block int, dataLen uint32, size int64) string {
	t.Helper()
	le := byteorder.LittleEndian
	b := []byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00")
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, uint16(channels))
	b = le.AppendUint32(b, uint32(rate))
	b = le.AppendUint32(b, uint32(rate*channels*bits/8))
	b = le.AppendUint16(b, uint16(block))
	b = le.AppendUint16(b, uint16(bits))
	b = le.AppendUint32(append(b, "data"...), dataLen)
	le.PutUint32(b[4:], uint32(size-8))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	return path
}

// mp3WAV writes a WAVE_FORMAT_EXTENSIBLE file whose sub-format is MP3's.
func mp3WAV(t *testing.T, path string) string {
	le := byteorder.LittleEndian
	b := []byte("RIFF\x00\x00\x00\x00WAVEfmt \x28\x00\x00\x00\xfe\xff\x01\x00")
	b = le.AppendUint32(b, 8000)
	b = le.AppendUint32(b, 16000)
	b = le.AppendUint16(b, 2)
	b = le.AppendUint16(b, 16)
	b = le.AppendUint16(b, 22) // cbSize
	b = le.AppendUint16(b, 16) // valid bits
	b = le.AppendUint32(b, 0)  // channel mask
	b = le.AppendUint32(b, 0x55)
	b = append(b, "\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"...)
	b = append(b, "data\x04\x00\x00\x00\x00\x00\x00\x00"...)
	le.PutUint32(b[4:], uint32(len(b)-8))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// hostileWAVs are the files that check-config once accepted and `skoip
// run` then failed on: path -> what the error must say.
func hostileWAVs(t *testing.T, dir string) map[string]string {
	at := func(n string) string { return filepath.Join(dir, n) }
	fifo := at("fifo.wav")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	const hour16 = 8000 * 3600 * 2
	return map[string]string{
		wavFile(t, at("4gb.wav"), 1, 8000, 16, 2, 0xFFFFFFFF, 44+1600):  "data chunk at byte 36 declares 4294967295 bytes, only 1600 follow (truncated file)",
		wavFile(t, at("hour16.wav"), 1, 8000, 16, 2, hour16, 44+hour16): "57600044 bytes, over the limit of 33554432 (32 MiB)",
		wavFile(t, at("odd.wav"), 1, 8000, 16, 2, 1601, 44+1602):        "data chunk of 1601 bytes is not a whole number of 2-byte frames",
		wavFile(t, at("align0.wav"), 1, 8000, 16, 0, 1600, 44+1600):     "block align 0, want 2",
		wavFile(t, at("align4.wav"), 1, 8000, 16, 4, 1600, 44+1600):     "block align 4, want 2",
		mp3WAV(t, at("mp3.wav")):                                        "not PCM (WAVE_FORMAT_EXTENSIBLE with sub-format 00000055-0000-0010-8000-00aa00389b71)",
		fifo:                                                            "not a regular file (a named pipe)",
	}
}

// writeConfig writes skoip.toml in dir: loopback SIP on a free port, a
// control socket in dir, and body.
func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	path := filepath.Join(dir, "skoip.toml")
	head := fmt.Sprintf("[sip]\nlisten = \"127.0.0.1:0\"\n[control]\nsocket = %q\n", filepath.Join(dir, "ctl.sock"))
	if err := os.WriteFile(path, []byte(head+body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runBounded runs the CLI and fails the test if it does not end within 20 s
// (a FIFO once made check-config and run wait for ever).
func runBounded(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errs := runCLI(t, ctx, args...)
		done <- result{code, out, errs}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.err
	case <-time.After(25 * time.Second):
		t.Fatalf("%q did not end", args)
		return 0, "", ""
	}
}

// check-config refuses each hostile WAV, as a prompt or as the file
// backend's capture, with the line of its key, the file and what is wrong;
// run refuses it with the same line (exit 2), and neither hangs nor crashes.
func TestHostileWAVsAreRefusedByCheckConfigAndRun(t *testing.T) {
	dir := t.TempDir()
	for path, msg := range hostileWAVs(t, dir) {
		for _, c := range []struct{ body, where string }{
			{fmt.Sprintf("[audio]\nbackend = \"null\"\n[sounds]\ndoorbell = %q\n", path), ":8: sounds.doorbell: "},
			{fmt.Sprintf("[audio]\nbackend = \"file\"\nplayback = %q\ncapture = %q\n", filepath.Join(dir, "out.wav"), path), ":8: audio.capture: "},
		} {
			cfg := writeConfig(t, dir, c.body)
			want := cfg + c.where + path + ": " + msg
			for _, cmd := range [][]string{{"check-config", cfg}, {"run", "--config", cfg}} {
				code, _, errs := runBounded(t, cmd...)
				if code != exitUsage || !strings.Contains(errs, want) {
					t.Errorf("%s %s: exit %d, stderr:\n%s\nwant exit 2 and %q", cmd[0], filepath.Base(path), code, errs, want)
				}
			}
		}
	}
}

// A config file that is not a regular file, too big, or shaped to blow up
// the TOML decoder is refused at once.
func TestHostileConfigFilesAreRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	dotted := filepath.Join(dir, "dotted.toml")
	os.WriteFile(dotted, []byte(strings.Repeat("a.", 9999)+"b = 1\n"), 0o644)
	deep := filepath.Join(dir, "deep.toml")
	os.WriteFile(deep, []byte("x = "+strings.Repeat("{a=", 20000)+"1"+strings.Repeat("}", 20000)+"\n"), 0o644)
	for path, want := range map[string]string{
		fifo:        fifo + ": cannot read: not a regular file (a named pipe)",
		"/dev/zero": "/dev/zero: cannot read: not a regular file (a device)",
		dotted:      dotted + ":1: line of 20003 bytes, longer than the limit of 4096",
		deep:        deep + ": 80006 bytes, over the limit of 65536 (64 KiB) for a configuration file",
		writeConfig(t, dir, "[x]\na.b.c.d.e = 1\n"): ":6: a key or table name of more than 4 dotted parts",
	} {
		for _, cmd := range [][]string{{"check-config", path}, {"run", "--config", path}} {
			code, _, errs := runBounded(t, cmd...)
			if code != exitUsage || !strings.Contains(errs, want) {
				t.Errorf("%s %s: exit %d, stderr:\n%s\nwant exit 2 and %q", cmd[0], filepath.Base(path), code, errs, want)
			}
		}
	}
}

// One legal 60 s file for all the prompts is decoded once (960 KB at
// 8 kHz); a legal 1-hour 8-bit file for all six (run once peaked at 583 MB)
// is refused from its header by check-config and run alike.
func TestSoundMemoryIsBounded(t *testing.T) {
	dir := t.TempDir()
	minute := wavFile(t, filepath.Join(dir, "minute.wav"), 2, 48000, 16, 4, 48000*60*4, 44+48000*60*4)
	hour := wavFile(t, filepath.Join(dir, "hour.wav"), 1, 8000, 8, 1, 8000*3600, 44+8000*3600)
	six := func(p string) string {
		return fmt.Sprintf("[audio]\nbackend = \"null\"\n[sounds]\ndoorbell = %[1]q\nringtone = %[1]q\nbusy = %[1]q\n"+
			"no_answer = %[1]q\ndoor_open = %[1]q\nwarning = %[1]q\ndo_not_disturb = %[1]q\nleave_message = %[1]q\n", p)
	}
	cfg := writeConfig(t, dir, six(minute))
	if code, out, errs := runBounded(t, "check-config", cfg); code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("six times one minute: exit %d %s%s", code, out, errs)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	snd, err := intercom.LoadSounds(mustLoad(t, cfg).Sounds, 8000)
	runtime.ReadMemStats(&after)
	if err != nil || snd.Doorbell != snd.Warning || len(snd.Busy.Samples()) != 8000*60 {
		t.Fatalf("LoadSounds: %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 2*8000*60+512<<10 {
		t.Errorf("six prompts of one 60 s file allocated %d bytes, want one copy (960000) and at most 512 KiB more", alloc)
	}

	cfg = writeConfig(t, dir, six(hour))
	want := cfg + ":8: sounds.doorbell: " + hour + ": 1h0m0s long; a prompt may last at most 1m0s"
	for _, cmd := range [][]string{{"check-config", cfg}, {"run", "--config", cfg}} {
		runtime.ReadMemStats(&before)
		code, _, errs := runBounded(t, cmd...)
		runtime.ReadMemStats(&after)
		if code != exitUsage || !strings.Contains(errs, want) || strings.Count(errs, "1h0m0s long") != 8 {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant exit 2, eight problems and %q", cmd[0], code, errs, want)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
			t.Errorf("%s refusing a 1-hour prompt allocated %d bytes", cmd[0], alloc)
		}
	}
}

func mustLoad(t *testing.T, path string) *config.Config {
	t.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// A capture file at another rate, in stereo, is converted by the file
// backend: check-config accepts it and run starts with it.
func TestCheckConfigAndRunAcceptCaptureOfAnotherRate(t *testing.T) {
	dir := t.TempDir()
	capture := wavFile(t, filepath.Join(dir, "in.wav"), 2, 44100, 16, 4, 44100*4, 44+44100*4)
	cfg := writeConfig(t, dir, fmt.Sprintf("[audio]\nbackend = \"file\"\nsample_rate = 16000\ncapture = %q\nplayback = %q\n",
		capture, filepath.Join(dir, "out.wav")))
	if code, out, errs := runBounded(t, "check-config", cfg); code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("check-config: exit %d %s%s", code, out, errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		code, _, _ := runCLI(t, ctx, "run", "--config", cfg)
		done <- code
	}()
	st := waitStatus(t, filepath.Join(dir, "ctl.sock"))
	cancel()
	if code := <-done; code != 0 || st["state"] != "idle" {
		t.Fatalf("run: state %v, exit %d", st["state"], code)
	}
}
