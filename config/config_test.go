package config

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEmbeddedDefaultsAreValid(t *testing.T) {
	cfg, err := Parse(EmbeddedName, nil)
	if err != nil {
		t.Fatalf("embedded defaults: %v", err)
	}
	if cfg.SIP.Listen != "0.0.0.0:5060" || cfg.Media.RTPPorts.First != 16384 || cfg.Media.PTime.Duration != 20*time.Millisecond {
		t.Errorf("unexpected defaults: %+v", cfg)
	}
	if cfg.Source != EmbeddedName {
		t.Errorf("Source = %q", cfg.Source)
	}
	// The example users copy must be the embedded file, valid on its own.
	if _, err := Parse("example.toml", Example()); err != nil {
		t.Fatalf("example as a file: %v", err)
	}
}

func TestEveryKeyOfTheDefaultsIsCommented(t *testing.T) {
	lines := strings.Split(string(Example()), "\n")
	for i, l := range lines {
		if _, ok := keyName(l); !ok {
			continue
		}
		j := i - 1
		for j >= 0 && isShape(lines[j]) {
			j--
		}
		if j < 0 || !strings.HasPrefix(strings.TrimSpace(lines[j]), "#") {
			t.Errorf("line %d %q has no comment above it (nor belongs to a commented group)", i+1, l)
		}
	}
}

// isShape says whether l is a key, a table or an array table line.
func isShape(l string) bool {
	_, key := keyName(l)
	_, table := tableName(l)
	_, array := arrayTableName(l)
	return key || table || array
}

func TestOverlayKeepsUnsetDefaults(t *testing.T) {
	cfg, err := Parse("x.toml", []byte("[peer]\naddress = \"192.168.1.20\"\n[calls]\nauto_answer = true\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Peer.Address != "192.168.1.20" || !cfg.Calls.AutoAnswer {
		t.Errorf("file values not applied: %+v", cfg)
	}
	if cfg.SIP.Transport != "udp" || len(cfg.Buttons) != 1 || cfg.Calls.RingTimeout.Duration != 30*time.Second {
		t.Errorf("defaults lost: %+v", cfg)
	}
}

func TestButtonsListReplacesDefaults(t *testing.T) {
	cfg, err := Parse("x.toml", []byte(`
[[buttons]]
name = "flat1"
pin = "GPIO5"
target = "sip:flat1@10.0.0.5"
[[buttons]]
name = "flat2"
pin = "GPIO6"
action = "toggle"
active_low = false
debounce = "50ms"
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Buttons) != 2 {
		t.Fatalf("got %d buttons, want 2", len(cfg.Buttons))
	}
	b0, b1 := cfg.Buttons[0], cfg.Buttons[1]
	if b0.Action != ActionCall || b0.Debounce.Duration != defaultDebounce || !b0.IsActiveLow() || b0.LongPress.Duration != defaultLongPress {
		t.Errorf("element defaults not applied: %+v", b0)
	}
	if b1.IsActiveLow() || b1.Debounce.Duration != 50*time.Millisecond || b1.Action != ActionToggle {
		t.Errorf("button 2: %+v", b1)
	}
}

func TestRelativeSoundPathsFollowTheConfigFile(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "bell.wav"), 1, 1, 8000, 16, 100)
	cfg, err := Parse(filepath.Join(dir, "skoip.toml"), []byte("[sounds]\ndoorbell = \"bell.wav\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Sounds.Doorbell != filepath.Join(dir, "bell.wav") {
		t.Errorf("doorbell = %q", cfg.Sounds.Doorbell)
	}
	room := "[audio]\nbackend = \"room\"\n[audio.room]\ntalker = \"bell.wav\"\nnoise = \"bell.wav\"\n"
	cfg, err = Parse(filepath.Join(dir, "skoip.toml"), []byte(room))
	if err != nil {
		t.Fatal(err)
	}
	if r := cfg.Audio.Room; r.Talker != filepath.Join(dir, "bell.wav") || r.Noise != r.Talker {
		t.Errorf("room talker %q, noise %q", r.Talker, r.Noise)
	}
}

func TestFourProblemsAtOnce(t *testing.T) {
	_, err := Load("testdata/four-problems.toml")
	var ce *Error
	if !errors.As(err, &ce) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("want *Error wrapping ErrInvalid, got %v", err)
	}
	want := []string{
		"testdata/four-problems.toml:3: sip.listen: ",
		"testdata/four-problems.toml:6: calls.allow: ",
		"testdata/four-problems.toml:7: calls.ring_tmeout: unknown key",
		"testdata/four-problems.toml:10: sounds.doorbell: ",
	}
	got := strings.Split(err.Error(), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(got), len(want), err)
	}
	for _, w := range want {
		if !containsPrefix(got, w) {
			t.Errorf("no problem starting %q in:\n%v", w, err)
		}
	}
}

func containsPrefix(lines []string, p string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

func TestSyntaxErrorHasLine(t *testing.T) {
	_, err := Parse("bad.toml", []byte("[sip]\nlisten = \"0.0.0.0:5060\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "bad.toml:2: ") {
		t.Fatalf("got %v", err)
	}
	_, err = Parse("type.toml", []byte("[audio]\nsample_rate = \"fast\"\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "type.toml:2: ") {
		t.Fatalf("type error: got %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("/nonexistent/skoip.toml")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/skoip.toml: cannot read") {
		t.Fatalf("got %v", err)
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.toml"), filepath.Join(dir, "b.toml")
	if p, err := Find([]string{a, b}); p != "" || err != nil {
		t.Fatalf("none exist: %q %v", p, err)
	}
	if err := os.WriteFile(b, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if p, _ := Find([]string{a, b}); p != b {
		t.Fatalf("got %q want %q", p, b)
	}
	if err := os.WriteFile(a, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if p, _ := Find([]string{a, b}); p != a {
		t.Fatalf("got %q want %q (first in order)", p, a)
	}
	if sp := SearchPath(); sp[0] != "/boot/firmware/skoip.toml" || sp[1] != "/etc/skoip/skoip.toml" {
		t.Errorf("search path %v", sp)
	}
}

// writeWAV writes a WAV header with the given fields and n data bytes.
func writeWAV(t *testing.T, path string, format, channels uint16, rate uint32, bits uint16, n int) {
	t.Helper()
	b := []byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00")
	b = binary.LittleEndian.AppendUint16(b, format)
	b = binary.LittleEndian.AppendUint16(b, channels)
	b = binary.LittleEndian.AppendUint32(b, rate)
	b = binary.LittleEndian.AppendUint32(b, rate*uint32(channels)*uint32(bits/8))
	b = binary.LittleEndian.AppendUint16(b, channels*bits/8)
	b = binary.LittleEndian.AppendUint16(b, bits)
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	b = append(b, make([]byte, n)...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
