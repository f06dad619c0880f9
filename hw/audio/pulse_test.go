//go:build cgo

package audio_test

import (
	"context"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skoip/skoip/hw/audio"
)

// startPulse runs a private PulseAudio server with null sinks in dir and
// returns its socket address.
func startPulse(t *testing.T, dir string) string {
	t.Helper()
	bin, err := exec.LookPath("pulseaudio")
	if err != nil {
		t.Skip("pulseaudio not installed (apt-get install pulseaudio libasound2-plugins)")
	}
	if m, _ := filepath.Glob("/usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so"); len(m) == 0 {
		t.Skip("ALSA pulse plugin missing (apt-get install libasound2-plugins)")
	}
	script, err := os.ReadFile("../../testdata/alsa/default.pa")
	if err != nil {
		t.Fatal(err)
	}
	pa := filepath.Join(dir, "default.pa")
	_ = os.WriteFile(pa, []byte(strings.ReplaceAll(string(script), "@DIR@", dir)), 0o644)
	for _, d := range []string{"home", "run"} {
		_ = os.MkdirAll(filepath.Join(dir, d), 0o700)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-n", "-F", pa, "--exit-idle-time=-1", "--daemonize=no", "--use-pid-file=no")
	cmd.Env = append(os.Environ(), "HOME="+filepath.Join(dir, "home"), "XDG_RUNTIME_DIR="+filepath.Join(dir, "run"))
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	sock := filepath.Join(dir, "native")
	deadline := time.Now().Add(15 * time.Second)
	for {
		if c, err := net.Dial("unix", sock); err == nil {
			_ = c.Close()
			return "unix:" + sock
		}
		if time.Now().After(deadline) {
			t.Fatal("pulseaudio did not come up")
		}
		time.Sleep(50 * time.Millisecond) // polling a server's start-up, not waiting for our own code
	}
}

// TestALSAPacedByPulse measures the alsa backend's pace against the wall
// clock over 20 s: a real-time device must deliver 20 s of periods ±5%.
func TestALSAPacedByPulse(t *testing.T) {
	if os.Getenv("SKOIP_REALTIME_TESTS") != "1" {
		t.Skip("real-time pace test: `make test` runs it alone (SKOIP_REALTIME_TESTS=1), " +
			"since beside the other packages' tests two cores cannot keep PulseAudio in real time")
	}
	needALSA(t)
	dir := t.TempDir()
	server := startPulse(t, dir)
	tmpl, err := os.ReadFile("../../testdata/alsa/pulse-pcm.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "asound.conf")
	_ = os.WriteFile(conf, []byte(strings.ReplaceAll(string(tmpl), "@SERVER@", server)), 0o644)
	t.Setenv("ALSA_CONFIG_PATH", conf)

	d, err := audio.Open(audio.Config{Backend: "alsa", Capture: "paced", Playback: "paced"}, quiet())
	if err != nil {
		t.Fatalf("open ALSA through PulseAudio: %v", err)
	}
	defer d.Close()
	var n atomic.Int64
	if err := d.Start(func(in, out []int16) { n.Add(1) }); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // let start-up settle: the measurement starts after it
	// Four 5 s windows: the median pace is the device's; a window in which
	// the shared machine starved PulseAudio does not decide alone.
	var paces []float64
	n0, t0 := n.Load(), time.Now()
	for w := 0; w < 4; w++ {
		time.Sleep(5 * time.Second) // the measured span itself
		n1, t1 := n.Load(), time.Now()
		paces = append(paces, float64(n1-n0)*float64(audio.DefaultPeriod)/float64(t1.Sub(t0)))
		n0, t0 = n1, t1
	}
	sort.Float64s(paces)
	pace := (paces[1] + paces[2]) / 2
	t.Logf("paced run over 20 s: windows %.4f, median pace %.4f of real time; stats %+v", paces, pace, d.Stats())
	if math.Abs(pace-1) > 0.05 {
		t.Fatalf("pace %.4f, want within 5%% of real time", pace)
	}
}
