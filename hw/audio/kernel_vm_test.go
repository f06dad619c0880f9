//go:build linux

package audio_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skoip/skoip/hw/audio"
	"github.com/skoip/skoip/internal/testsupport/armvm"
)

// TestKernelCardsInVM runs the TestKernelCard* tests against a real
// kernel sound card: it boots Debian's arm64 kernel in QEMU with the ALSA
// loopback driver (snd-aloop) loaded and runs this package's tests there,
// built without cgo twice: for arm64, and for 32-bit ARMv6 (the Pi Zero
// and Pi 1 build), which the arm64 kernel serves through its compat layer,
// so that both layouts of the kernel's structures meet a real kernel.
func TestKernelCardsInVM(t *testing.T) {
	armvm.Need(t)
	if testing.Short() {
		t.Skip("boots a VM (about a minute): not with -short")
	}
	hdaWAV := filepath.Join(t.TempDir(), "hda.wav")
	spec := armvm.Spec{
		// snd-hda-intel finds its codec driver only if it is there first:
		// the VM has no modprobe to load it on demand.
		Modules: []armvm.Module{{Name: "snd-aloop", Params: "index=0 id=Loopback pcm_substreams=2"},
			{Name: "snd-hda-codec-generic"}, {Name: "snd-hda-intel", Params: "index=1"}},
		WaitFor: []string{"/dev/snd/pcmC0D0p", "/dev/snd/pcmC0D1c", "/dev/snd/pcmC1D0p", "/dev/snd/pcmC1D0c"},
		QEMUArgs: []string{"-device", "intel-hda", "-device", "hda-duplex,audiodev=snd0",
			"-audiodev", "wav,id=snd0,path=" + hdaWAV},
		Timeout: 6 * time.Minute,
	}
	builds := []struct {
		name, goarch, goarm string
		tone                int // Hz, played through the HDA card
	}{{"arm64", "arm64", "", 1000}, {"armv6", "arm", "6", 1500}}
	for _, b := range builds {
		bin := armvm.BuildGo(t, ".", b.goarch, b.goarm)
		spec.Files = append(spec.Files, armvm.File{Host: bin, VM: "/bin/audio-" + b.name + ".test", Mode: 0o755})
		spec.Commands = append(spec.Commands, armvm.Command{Name: b.name,
			Args:    []string{"/bin/audio-" + b.name + ".test", "-test.run", "^TestKernelCard", "-test.v", "-test.count=1"},
			Env:     []string{"SKOIP_VM_CARD=aloop", "SKOIP_VM_HDA_TONE=" + strconv.Itoa(b.tone)},
			Timeout: 2 * time.Minute})
	}
	// The whole program, built without cgo ("alsa" is then this backend):
	// its self-test plays its probe into the loopback and hears it back.
	spec.Files = append(spec.Files, armvm.File{VM: "/etc/skoip.toml", Data: []byte(vmSelftestConfig)})
	for _, b := range builds {
		bin := armvm.BuildGo(t, "github.com/skoip/skoip/cmd/skoip", b.goarch, b.goarm)
		spec.Files = append(spec.Files, armvm.File{Host: bin, VM: "/bin/skoip-" + b.name, Mode: 0o755})
		spec.Commands = append(spec.Commands, armvm.Command{Name: "selftest-" + b.name,
			Args: []string{"/bin/skoip-" + b.name, "selftest", "--config", "/etc/skoip.toml", "--json"}, Timeout: time.Minute})
	}
	res := armvm.Run(t, spec)
	t.Logf("the VM booted in %v", res.Boot.Round(time.Millisecond))
	for _, b := range builds {
		c := res.Commands[b.name]
		t.Logf("---- %s ----\n%s", b.name, c.Output)
		if c.Exit != 0 {
			t.Errorf("%s: the card tests failed in the VM: exit %d %s", b.name, c.Exit, c.Error)
		}
		for _, name := range []string{"LoopbackIsExact", "ConvertsChannelsAndRate", "XrunRecovery", "UnplugAndReturn", "Listed", "HDAPlaysTone", "Signals", "QueueShrinks"} {
			if !strings.Contains(c.Output, "--- PASS: TestKernelCard"+name) {
				t.Errorf("%s: TestKernelCard%s did not pass in the VM", b.name, name)
			}
		}
	}
	checkHDARecording(t, hdaWAV, builds[0].tone, builds[1].tone)
	for _, b := range builds {
		c := res.Commands["selftest-"+b.name]
		t.Logf("---- skoip selftest, %s ----\n%s", b.name, c.Output)
		var report struct {
			OK     bool `json:"ok"`
			Checks []struct {
				Name   string `json:"name"`
				OK     bool   `json:"ok"`
				Detail string `json:"detail"`
			} `json:"checks"`
		}
		// The report, whatever the verdict: the round trip it measures
		// ("delay", 86 ms on an idle machine) grows past the echo
		// canceller's 250 ms when the emulated machine is starved, which is
		// no fault of the program.
		out := c.Output[max(strings.Index(c.Output, "{"), 0):] // after any log line
		if err := json.NewDecoder(strings.NewReader(out)).Decode(&report); err != nil || c.Exit < 0 || c.Exit > 1 {
			t.Errorf("%s: skoip selftest on the loopback card: exit %d %s, report %+v (%v)", b.name, c.Exit, c.Error, report, err)
		}
		for _, name := range []string{"speaker", "microphone"} {
			if !slices.ContainsFunc(report.Checks, func(c struct {
				Name   string `json:"name"`
				OK     bool   `json:"ok"`
				Detail string `json:"detail"`
			}) bool {
				return c.Name == name && c.OK
			}) {
				t.Errorf("%s: selftest check %q did not pass", b.name, name)
			}
		}
	}
}

// vmSelftestConfig runs skoip on the VM's loopback card: what it plays
// into device 0 it captures from device 1. The VM's GPIO chip (QEMU's
// PL061) has none of a Pi's lines: no buttons, LEDs or relay.
const vmSelftestConfig = `buttons = []
leds = []
[door]
relay_pin = ""
[sip]
listen = "127.0.0.1:0"
[audio]
backend = "alsa"
capture = "hw:CARD=Loopback,DEV=1"
playback = "hw:CARD=Loopback,DEV=0"
[control]
socket = "/tmp/skoip-ctl.sock"
`

// checkHDARecording checks QEMU's recording of the HDA card: the first
// tone, then the second, each for at least a second (in 100 ms windows
// whose zero crossings give the frequency within 1 %).
func checkHDARecording(t *testing.T, path string, tones ...int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("QEMU's recording of the HDA card: %v", err)
	}
	rate, pcm, err := audio.DecodeWAV(b)
	if err != nil {
		t.Fatalf("QEMU's recording of the HDA card: %v", err)
	}
	win := rate / 10
	var seen []int // the tone of each window, 0 for none
	for off := 0; off+win <= len(pcm); off += win {
		w, tone := pcm[off:off+win], 0
		f := frequency(w, rate)
		for _, want := range tones {
			if math.Abs(f-float64(want)) < float64(want)/100 && rmsOf(w) > 3000 {
				tone = want
			}
		}
		seen = append(seen, tone)
	}
	t.Logf("the HDA card played (%d Hz, %.1f s): tone per 100 ms %v", rate, float64(len(pcm))/float64(rate), seen)
	at := 0
	for _, want := range tones {
		n := 0
		for ; at < len(seen) && n < 10; at++ {
			if seen[at] == want {
				n++
			}
		}
		if n < 10 {
			t.Errorf("the HDA card did not play a second of %d Hz after the tones before it", want)
		}
	}
}
