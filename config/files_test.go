package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The files a configuration names are checked by media/wav, as `skoip run`
// reads them: each problem names the key, its line and the file.
func TestFilesAreCheckedAsRunReadsThem(t *testing.T) {
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	writeWAV(t, at("good.wav"), 1, 1, 8000, 16, 320)
	writeWAV(t, at("stereo44k.wav"), 1, 2, 44100, 16, 4*441)
	writeWAV(t, at("odd.wav"), 1, 1, 8000, 16, 321)
	writeWAV(t, at("minute.wav"), 1, 1, 8000, 8, 8000*60)
	writeWAV(t, at("hour.wav"), 1, 1, 8000, 8, 0)
	b, _ := os.ReadFile(at("hour.wav")) // a header that declares an hour...
	binary.LittleEndian.PutUint32(b[40:], 8000*3600)
	os.WriteFile(at("hour.wav"), b, 0o644)
	os.Truncate(at("hour.wav"), 44+8000*3600) // ...and holds it (sparse)
	b, _ = os.ReadFile(at("good.wav"))
	binary.LittleEndian.PutUint32(b[40:], 0xFFFFFFFF)
	os.WriteFile(at("4gb.wav"), b, 0o644)
	if err := syscall.Mkfifo(at("fifo.wav"), 0o644); err != nil {
		t.Fatal(err)
	}

	_, err := Parse(at("skoip.toml"), []byte(`[sounds]
doorbell = "4gb.wav"
ringtone = "odd.wav"
busy = "fifo.wav"
no_answer = "hour.wav"
door_open = "good.wav"
warning = "stereo44k.wav"

[audio]
backend = "file"
capture = "fifo.wav"
playback = "fifo.wav"
`))
	want := []string{
		"skoip.toml:2: sounds.doorbell: " + at("4gb.wav") + ": data chunk at byte 36 declares 4294967295 bytes, only 320 follow (truncated file)",
		"skoip.toml:3: sounds.ringtone: " + at("odd.wav") + ": data chunk of 321 bytes is not a whole number of 2-byte frames",
		"skoip.toml:4: sounds.busy: " + at("fifo.wav") + ": not a regular file (a named pipe)",
		"skoip.toml:5: sounds.no_answer: " + at("hour.wav") + ": 1h0m0s long; a prompt may last at most 1m0s (cut it, e.g. `sox in.wav out.wav trim 0 60`)",
		"skoip.toml:11: audio.capture: " + at("fifo.wav") + ": not a regular file (a named pipe)",
		"skoip.toml:12: audio.playback: \"" + at("fifo.wav") + "\" is a named pipe; want a file to write (or /dev/null)",
	}
	if err == nil || strings.ReplaceAll(err.Error(), dir+"/skoip.toml", "skoip.toml") != strings.Join(want, "\n") {
		t.Errorf("got:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}

	// The same minute-long file for every prompt counts once; a capture
	// file at another rate, in stereo, is converted by run, not refused.
	cfg, err := Parse(at("skoip.toml"), []byte(`[sounds]
doorbell = "minute.wav"
ringtone = "minute.wav"
busy = "./minute.wav"
no_answer = "minute.wav"
door_open = "minute.wav"
warning = "minute.wav"

[audio]
backend = "file"
capture = "stereo44k.wav"
playback = "out.wav"
sample_rate = 8000
`))
	if err != nil || cfg.Sounds.Warning != at("minute.wav") {
		t.Errorf("six times one minute, stereo 44.1 kHz capture: %v", err)
	}
}

// TestCAFileIsCheckedAsRunReadsIt: mqtt.ca_file is read by check-config
// as the MQTT bridge reads it (config.LoadCAs): PEM certificates, a
// regular file of at most 1 MiB; relative to the config file's folder.
func TestCAFileIsCheckedAsRunReadsIt(t *testing.T) {
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(at("ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(at("text.pem"), []byte("not a certificate\n"), 0o644)
	os.WriteFile(at("huge.pem"), make([]byte, 1<<20+1), 0o644)
	if err := syscall.Mkfifo(at("fifo.pem"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, want string }{
		{"ca.pem", ""},
		{"text.pem", "no PEM certificate in it"},
		{"huge.pem", "larger than 1048576 bytes"},
		{"fifo.pem", "not a regular file"},
		{"missing.pem", "no such file"},
	} {
		_, err := Parse(at("skoip.toml"), []byte("[mqtt]\nbroker = \"ssl://broker.lan\"\nca_file = \""+tc.file+"\"\n"))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.file, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), "skoip.toml:3: mqtt.ca_file: ") || !strings.Contains(err.Error(), at(tc.file)) ||
			!strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: got %v, want line 3, the path and %q", tc.file, err, tc.want)
		}
	}
}
