package main

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/intercom"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/hw"
	"github.com/skoip/skoip/media/wav"
	"github.com/skoip/skoip/phone"
)

// noiseWAV writes 2 s of f(i) + white noise at -70 dBFS as an 8 kHz WAV.
func noiseWAV(t *testing.T, dir, name string, f func(i int) float64) string {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	s := make([]int16, 16000)
	for i := range s {
		s[i] = int16(f(i) + r.NormFloat64()*10)
	}
	path := filepath.Join(dir, name)
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := wav.WriteMono16(out, 8000, s); err != nil {
		t.Fatal(err)
	}
	return path
}

// selftestJSON runs `skoip selftest --json` on the config body (room
// backend, no destinations) and returns the report, the exit code and the
// state folder.
func selftestJSON(t *testing.T, body string) (selftestReport, int, string) {
	t.Helper()
	dir := t.TempDir()
	path := writeConfig(t, dir, "[peer]\naddress = \"\"\n[state]\ndir = "+q(filepath.Join(dir, "state"))+"\n"+body)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code, out, errs := runCLI(t, ctx, "selftest", "--json", "--config", path)
	var rep selftestReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("selftest: exit %d, not a report: %v\n%s%s", code, err, out, errs)
	}
	return rep, code, filepath.Join(dir, "state")
}

func q(s string) string { b, _ := json.Marshal(s); return string(b) }

// failed returns the names of the failed checks.
func failed(rep selftestReport) []string {
	var out []string
	for _, c := range rep.Checks {
		if !c.OK {
			out = append(out, c.Name)
		}
	}
	return out
}

// TestSelftestRoom: the self-test through the simulated door box measures
// a known bulk delay within 2 ms (the room's delay plus the device's one
// period of 20 ms), and a muted speaker, a muted microphone, a clipping
// speaker, mains hum and a DC offset each fail their own check, nothing
// else.
func TestSelftestRoom(t *testing.T) {
	dir := t.TempDir()
	hum := noiseWAV(t, dir, "hum.wav", func(i int) float64 { return 8000 * math.Sin(2*math.Pi*50*float64(i)/8000) })
	dc := noiseWAV(t, dir, "dc.wav", func(int) float64 { return 8000 })
	// The device at the engine's 16 kHz (wideband codecs are on by default):
	// no resampling between them adds to the measured delay.
	room := "[audio]\nbackend = \"room\"\nsample_rate = 16000\nperiod = \"20ms\"\n[audio.room]\n"
	for _, c := range []struct {
		name  string
		body  string
		delay float64 // ms expected, 0: not checked
		fail  []string
	}{
		{"healthy 30 ms", room + "delay = \"30ms\"\necho_gain_db = -20\nnoise = \"white\"\nsnr_db = 40\n", 50, nil},
		{"healthy 120 ms", room + "delay = \"120ms\"\necho_gain_db = -10\nnoise = \"white\"\nsnr_db = 40\n", 140, nil},
		{"muted speaker", strings.Replace(room, "[audio.room]", "playback_gain_db = -30.0\n[audio.room]", 1) +
			"echo_gain_db = -40\nnoise = \"white\"\nsnr_db = 40\n", 0, []string{"speaker"}},
		{"muted microphone", "[audio]\nbackend = \"null\"\nsample_rate = 8000\n", 0, []string{"microphone"}},
		{"clipping speaker", room + "echo_gain_db = 20\nnoise = \"white\"\nsnr_db = 40\n", 0, []string{"clipping"}},
		{"50 Hz hum", room + "echo_gain_db = -20\nnoise = " + q(hum) + "\nsnr_db = 20\n", 0, []string{"hum"}},
		{"DC offset", room + "echo_gain_db = -20\nnoise = " + q(dc) + "\nsnr_db = 0\n", 0, []string{"dc_offset"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rep, code, state := selftestJSON(t, c.body)
			got := failed(rep)
			if !slices.Equal(got, c.fail) {
				t.Errorf("failed checks %v, want %v; report %+v %+v", got, c.fail, rep.Checks, rep.Acoustic)
			}
			if (code == 0) != (len(c.fail) == 0) || rep.OK != (len(c.fail) == 0) {
				t.Errorf("exit %d, ok %v with failures %v", code, rep.OK, got)
			}
			if c.delay != 0 {
				if d, err := intercom.LoadEchoDelay(state); err != nil || math.Abs(d.Seconds()*1000-c.delay) > 2 {
					t.Errorf("the round trip kept for the echo canceller: %v, %v", d, err)
				}
				if rep.Acoustic == nil || math.Abs(rep.Acoustic.DelayMS-c.delay) > 2 {
					t.Errorf("delay %+v, want %.0f ms within 2 ms", rep.Acoustic, c.delay)
				} else {
					t.Logf("delay %.2f ms (room %s)", rep.Acoustic.DelayMS, c.name)
				}
			}
		})
	}
}

// fakeLEDs drives nothing and fails for one name.
type fakeLEDs struct{ bad string }

func (f fakeLEDs) Names() []string { return []string{"call", "status"} }
func (f fakeLEDs) Set(name string, _ hw.Pattern) error {
	if name == f.bad {
		return errors.New("gpio: line busy")
	}
	return nil
}
func (f fakeLEDs) State(string) (hw.Pattern, bool) { return hw.Off, true }

// TestSelftestChecks: a button that reads pressed at rest (a wrong pin), a
// LED that cannot be driven, an unreachable destination (of a group), an
// unregistered account, and a clock that profiles need: each fails its own
// check, with its name; reachable ones pass with their round trip. The
// report's JSON keys are the documented ones.
func TestSelftestChecks(t *testing.T) {
	cfg, err := config.Parse("t.toml", []byte(`
[sip.account]
registrar = "pbx.example.org"
username = "door"
[peer]
address = "group:inside"
[[groups]]
name = "inside"
mode = "parallel"
members = ["10.0.0.5", "10.0.0.6"]
[[profiles]]
name = "p"
rules = ["daily 22:00-07:00 dnd"]
[[buttons]]
name = "bell"
pin = "GPIO26"
action = "call"
profile = "p"
`))
	if err != nil {
		t.Fatal(err)
	}
	k := selftestKit{cfg: cfg, pressed: func() []string { return []string{"bell"} }, leds: fakeLEDs{bad: "status"},
		ping: func(_ context.Context, target string) (time.Duration, int, error) {
			if target == "10.0.0.5" {
				return 3 * time.Millisecond, 200, nil
			}
			return 0, 0, phone.ErrTimeout
		},
		registration: func() *phone.Registration { return &phone.Registration{Reason: "403 Forbidden", Code: 403} },
		clock:        func() (bool, string) { return false, "clock not synchronised (no NTP)" },
		folders:      []string{t.TempDir()},
	}
	rep := runSelftest(context.Background(), k)
	want := []string{"speaker", "button:bell", "led:status", "target:10.0.0.6", "registration", "clock"}
	if got := failed(rep); !slices.Equal(got, want) {
		t.Errorf("failed %v, want %v", got, want)
	}
	for _, c := range rep.Checks {
		switch c.Name {
		case "target:10.0.0.5":
			if !c.OK || c.RTTMS != 3 {
				t.Errorf("reachable target: %+v", c)
			}
		case "button:bell":
			if !strings.Contains(c.Detail, "GPIO26") {
				t.Errorf("the button's check does not name its pin: %q", c.Detail)
			}
		}
	}
	if rep.OK || rep.failures() == nil {
		t.Error("a failing report is ok")
	}
	b, _ := json.Marshal(rep)
	var keys map[string]json.RawMessage
	_ = json.Unmarshal(b, &keys)
	for _, k := range []string{"ok", "time", "checks"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("report JSON lacks %q: %s", k, b)
		}
	}
	var checks []map[string]any
	_ = json.Unmarshal(keys["checks"], &checks)
	for _, c := range checks {
		for k := range c {
			if !slices.Contains([]string{"name", "ok", "detail", "rtt_ms"}, k) {
				t.Errorf("check key %q is not documented", k)
			}
		}
	}
}
