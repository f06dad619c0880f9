package armvm

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// One boot with two sound cards: the loopback (snd-aloop) as card 0 and
// QEMU's intel-hda with an hda-duplex codec (snd-hda-intel) as card 1.
// The probe runs as arm64 and as 32-bit ARMv6 (through the kernel's
// compat layer); exit statuses, a timeout and files handed back arrive
// as the commands made them.
func TestBoot(t *testing.T) {
	Need(t)
	probe := BuildGo(t, "./testdata/vmprobe", "arm64", "")
	probe6 := BuildGo(t, "./testdata/vmprobe", "arm", "6")
	blob := make([]byte, 100_003)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(blob)
	copy(blob, "\r\narmvm: endfile\n\x00")

	res := Run(t, Spec{
		Modules: []Module{
			{Name: "snd-aloop", Params: "index=0 pcm_substreams=2"},
			{Name: "snd-hda-codec-generic"},
			{Name: "snd_hda_intel", Params: "index=1"},
		},
		WaitFor: []string{"/dev/snd/pcmC0D0p", "/dev/snd/pcmC1D0p"},
		QEMUArgs: []string{"-device", "intel-hda", "-device", "hda-duplex,audiodev=snd0",
			"-audiodev", "wav,id=snd0,path=" + filepath.Join(t.TempDir(), "hda.wav")},
		Files: []File{
			{Host: probe, VM: "/bin/probe"},
			{Host: probe6, VM: "/bin/probe6"},
			{Data: blob, VM: "/data/blob", Mode: 0o600},
			{Data: nil, VM: "/data/empty"},
		},
		Commands: []Command{
			{Name: "snd-arm64", Args: []string{"/bin/probe", "snd"}},
			{Name: "snd-armv6", Args: []string{"/bin/probe6", "snd"}},
			{Name: "exit3", Args: []string{"/bin/probe6", "exit", "3"}},
			{Name: "copy", Args: []string{"/bin/probe", "copy", "/data/blob", "sub/blob.bin"}},
			{Name: "copy-empty", Args: []string{"/bin/probe6", "copy", "/data/empty", "empty"}},
			{Name: "slow", Args: []string{"/bin/probe", "sleep", "1m"}, Timeout: time.Second},
		},
	})

	for name, arch := range map[string]string{"snd-arm64": "goarch=arm64 ", "snd-armv6": "goarch=arm goarm=6 "} {
		c := res.Commands[name]
		if c.Exit != 0 {
			t.Errorf("%s: exit %d (%s)\n%s", name, c.Exit, c.Error, c.Output)
		}
		for _, want := range []string{
			arch, "/dev/snd/pcmC0D0p", "/dev/snd/pcmC0D1c", "/dev/snd/pcmC1D0p", "/dev/snd/pcmC1D0c",
			" 0 [Loopback       ]: Loopback - Loopback", " 1 [Intel          ]: HDA-Intel - HDA Intel",
		} {
			if !strings.Contains(c.Output, want) {
				t.Errorf("%s: no %q in its output:\n%s", name, want, c.Output)
			}
		}
	}
	if c := res.Commands["exit3"]; c.Exit != 3 || c.Error != "" {
		t.Errorf("exit3: exit %d, error %q; want exit 3\n%s", c.Exit, c.Error, c.Output)
	}
	if c := res.Commands["slow"]; c.Exit != -1 || c.Error != "timeout after 1s" {
		t.Errorf("slow: exit %d, error %q; want -1, timeout after 1s", c.Exit, c.Error)
	}
	if got := res.Commands["copy"].Files["sub/blob.bin"]; !bytes.Equal(got, blob) {
		t.Errorf("copy: %d bytes back, want the %d sent (files %v)", len(got), len(blob), keys(res.Commands["copy"].Files))
	}
	if got, ok := res.Commands["copy-empty"].Files["empty"]; !ok || len(got) != 0 {
		t.Errorf("copy-empty: %q, %v; want an empty file", got, ok)
	}
	if res.Boot <= 0 {
		t.Errorf("Boot = %v", res.Boot)
	}
}

// A module that does not load stops vminit before the first command,
// and the VM still powers off.
func TestBootModuleFails(t *testing.T) {
	Need(t)
	res, err := run(t, Spec{
		Modules:  []Module{{Name: "snd-aloop", Params: "index=x"}},
		Commands: []Command{{Name: "never", Args: []string{"/init"}}},
	})
	if err == nil || !strings.Contains(err.Error(), "module snd_aloop: finit_module") {
		t.Errorf("run: %v; want the module's error", err)
	}
	if !strings.Contains(res.Console, "armvm: done") || len(res.Commands) != 0 {
		t.Errorf("want a done marker and no command run; commands %v, console:\n%s", keys(res.Commands), res.Console)
	}
}

func keys[V any](m map[string]V) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}
