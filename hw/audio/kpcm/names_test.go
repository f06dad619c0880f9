//go:build linux

package kpcm

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// procCards is /proc/asound/cards of a PC with an onboard HDA codec (its
// HDMI output is device 3) and a USB headset: each card on two lines.
const procCards = ` 0 [PCH            ]: HDA-Intel - HDA Intel PCH
                      HDA Intel PCH at 0xf7f10000 irq 32
 1 [Device         ]: USB-Audio - USB Audio Device
                      C-Media Electronics Inc. USB Audio Device at usb-0000:00:14.0-2, full speed
`

// procUSBInfo is /proc/asound/card1/pcm0p/info.
const procUSBInfo = `card: 1
device: 0
subdevice: 0
stream: PLAYBACK
id: USB Audio
name: USB Audio
subname: subdevice #0
class: 0
subclass: 0
subdevices_count: 1
subdevices_avail: 1
`

// fakeRoot writes files (path: content) under a new directory: empty
// regular files stand for the device nodes.
func fakeRoot(t testing.TB, files map[string]string) Root {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return Root(root)
}

// pcRoot is the PC of procCards: card 0 has analog playback and capture
// (device 0) and HDMI playback (device 3), card 1 playback and capture.
func pcRoot(t testing.TB) Root {
	return fakeRoot(t, map[string]string{
		"proc/asound/cards":            procCards,
		"proc/asound/card1/pcm0p/info": procUSBInfo,
		"dev/snd/pcmC0D0p":             "",
		"dev/snd/pcmC0D0c":             "",
		"dev/snd/pcmC0D3p":             "",
		"dev/snd/pcmC1D0p":             "",
		"dev/snd/pcmC1D0c":             "",
		"dev/snd/controlC0":            "",
		"dev/snd/controlC1":            "",
		"dev/snd/timer":                "",
	})
}

func TestResolve(t *testing.T) {
	r := pcRoot(t)
	node := func(n string) string { return filepath.Join(string(r), "dev", "snd", n) }
	for _, c := range []struct {
		name    string
		capture bool
		want    string
	}{
		{"", false, "pcmC0D0p"},
		{"", true, "pcmC0D0c"},
		{"default", false, "pcmC0D0p"},
		{" default ", true, "pcmC0D0c"},
		{"sysdefault", false, "pcmC0D0p"},
		{"hw:1,0", false, "pcmC1D0p"},
		{"hw:1,0", true, "pcmC1D0c"},
		{"hw:1", true, "pcmC1D0c"},
		{"hw:CARD=Device,DEV=0", false, "pcmC1D0p"},
		{"hw:CARD=Device,DEV=0", true, "pcmC1D0c"},
		{`hw:CARD="Device",DEV=0`, true, "pcmC1D0c"},
		{"hw:DEV=0,CARD=Device", false, "pcmC1D0p"},
		{"hw:Device", false, "pcmC1D0p"},
		{"hw:PCH,3", false, "pcmC0D3p"},
		{"plughw:Device", true, "pcmC1D0c"},
		{"plughw:CARD=1,DEV=0", false, "pcmC1D0p"},
		{"plug:hw:1,0", false, "pcmC1D0p"},
		{"sysdefault:CARD=Device", false, "pcmC1D0p"},
		{"default:CARD=Device", true, "pcmC1D0c"},
		{"front:CARD=PCH,DEV=0", false, "pcmC0D0p"},
		{"hw:0,3", false, "pcmC0D3p"},
		{"hw:1,0,0", false, "pcmC1D0p"},
		{"hw:CARD=1,DEV=0,SUBDEV=0", true, "pcmC1D0c"},
		{"hw:CARD=1,DEV=0,SUBDEV=-1", true, "pcmC1D0c"},
	} {
		got, err := r.Resolve(c.name, c.capture)
		if err != nil || got != node(c.want) {
			t.Errorf("Resolve(%q, capture %v) = %q, %v; want %s", c.name, c.capture, got, err, c.want)
		}
	}
}

// Names that do not resolve, and what their errors say.
func TestResolveRefuses(t *testing.T) {
	r := pcRoot(t)
	for _, c := range []struct {
		name    string
		capture bool
		says    []string
	}{
		{"hw:0,3", true, []string{`"hw:0,3"`, "card 0", "no capture device 3", "pcmC0D3c"}},
		{"hw:1,3", false, []string{"card 1", "no playback device 3"}},
		{"hw:2,0", false, []string{"card 2", "no playback device 0"}},
		{"hw:Headset", false, []string{`no sound card "Headset"`, "cards: 0 PCH, 1 Device"}},
		{"hw:CARD=device", false, []string{`no sound card "device"`, "0 PCH, 1 Device"}},
		{"plughw:CARD=Nope,DEV=0", true, []string{`"Nope"`, "0 PCH, 1 Device"}},
		{"hw:1,32", false, []string{`device number "32"`, "want 0-31"}},
		{"hw:1,-1", false, []string{`device number "-1"`, "want 0-31"}},
		{"hw:1,x", false, []string{`device number "x"`, "want 0-31"}},
		{"hw:99,0", false, []string{"card 99", "want 0-31"}},
		{"hw:-1,0", false, []string{"card -1", "want 0-31"}},
		{"hw:CARD=1,DEV=0,SUBDEV=1", false, []string{"subdevice 1", "first free"}},
		{"hw:1,0,2", true, []string{"subdevice 2"}},
		{"hw:CARD=1,FOO=2", false, []string{`unknown argument "FOO"`}},
		{"foo", false, []string{`device "foo"`, "want default, hw:CARD=<id>,DEV=<n>"}},
		{"dmix:CARD=0", false, []string{`"dmix:CARD=0"`, "want default"}},
		{"pulse", false, []string{`"pulse"`, "want default"}},
		{"hw", false, []string{`"hw"`, "names no card"}},
		{"hw:", false, []string{`"hw:"`, "names no card"}},
		{"hw:CARD=", false, []string{`"hw:CARD="`, "no card"}},
		{"hw:,0", false, []string{"no card"}},
	} {
		got, err := r.Resolve(c.name, c.capture)
		if err == nil {
			t.Errorf("Resolve(%q, capture %v) = %q, want an error", c.name, c.capture, got)
			continue
		}
		if !strings.HasPrefix(err.Error(), "kpcm: ") {
			t.Errorf("Resolve(%q): %q does not say which package", c.name, err)
		}
		for _, s := range c.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("Resolve(%q, capture %v): %q does not say %q", c.name, c.capture, err, s)
			}
		}
	}
}

// Without /dev/snd (no sound driver loaded, or a container without the
// device nodes) and without /proc/asound, every name fails and says why.
func TestResolveNoSoundCards(t *testing.T) {
	for _, r := range []Root{Root(t.TempDir()), fakeRoot(t, map[string]string{"proc/asound/cards": "--- no soundcards ---\n"})} {
		for _, c := range []struct {
			name string
			says string
		}{
			{"default", "no sound card with a playback device"},
			{"hw:0,0", "card 0 has no playback device 0"},
			{"hw:Device", "(cards: none)"},
		} {
			_, err := r.Resolve(c.name, false)
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Errorf("%s: Resolve(%q) = %v, want an error that says %q", r, c.name, err, c.says)
			}
		}
		if _, err := r.Resolve("", true); err == nil || !strings.Contains(err.Error(), "capture") ||
			!strings.Contains(err.Error(), filepath.Join(string(r), "dev", "snd")) {
			t.Errorf("%s: default capture: %v", r, err)
		}
		if l := r.List(); len(l) != 0 {
			t.Errorf("%s: List() = %v", r, l)
		}
	}
}

// default is the first card with the direction: here card 0 only plays
// (an HDMI output), card 1 has the capture.
func TestResolveDefaultSkipsCardsWithoutTheDirection(t *testing.T) {
	r := fakeRoot(t, map[string]string{
		"dev/snd/pcmC0D3p": "",
		"dev/snd/pcmC0D7p": "",
		"dev/snd/pcmC1D2c": "",
		"dev/snd/pcmC1D1c": "",
	})
	if got, err := r.Resolve("default", false); err != nil || filepath.Base(got) != "pcmC0D3p" {
		t.Errorf("default playback = %q, %v; want pcmC0D3p", got, err)
	}
	if got, err := r.Resolve("default", true); err != nil || filepath.Base(got) != "pcmC1D1c" {
		t.Errorf("default capture = %q, %v; want pcmC1D1c", got, err)
	}
}

func TestList(t *testing.T) {
	r := pcRoot(t)
	node := func(n string) string { return filepath.Join(string(r), "dev", "snd", n) }
	want := []Device{
		{Name: "hw:CARD=PCH,DEV=0", Desc: "HDA Intel PCH", Path: node("pcmC0D0p")},
		{Name: "hw:CARD=PCH,DEV=0", Desc: "HDA Intel PCH", Capture: true, Path: node("pcmC0D0c")},
		{Name: "hw:CARD=PCH,DEV=3", Desc: "HDA Intel PCH", Path: node("pcmC0D3p")},
		{Name: "hw:CARD=Device,DEV=0", Desc: "USB Audio Device: USB Audio", Path: node("pcmC1D0p")},
		{Name: "hw:CARD=Device,DEV=0", Desc: "USB Audio Device", Capture: true, Path: node("pcmC1D0c")},
	}
	got := r.List()
	if !slices.Equal(got, want) {
		t.Errorf("List():\n%v\nwant\n%v", got, want)
	}
	// Every name List gives resolves to the node it lists.
	for _, d := range got {
		if p, err := r.Resolve(d.Name, d.Capture); err != nil || p != d.Path {
			t.Errorf("Resolve(%q, capture %v) = %q, %v; List says %s", d.Name, d.Capture, p, err, d.Path)
		}
	}
}

// List orders by card and device number, not as strings (device 10 after
// device 3, card 10 after card 2): an HDA card with four HDMI outputs has
// pcmC0D3p, 7, 8, 9, 10 and 11. A card missing from /proc/asound/cards is
// named by its index.
func TestListNumericOrder(t *testing.T) {
	files := map[string]string{"proc/asound/cards": procCards, "dev/snd/pcmC0D0p": "", "dev/snd/pcmC0D0c": ""}
	var want []string
	for _, n := range []string{"pcmC0D0p", "pcmC0D0c", "pcmC0D3p", "pcmC0D7p", "pcmC0D10p", "pcmC0D11p", "pcmC2D0p", "pcmC10D0c"} {
		files["dev/snd/"+n] = ""
		want = append(want, n)
	}
	var got []string
	l := fakeRoot(t, files).List()
	for _, d := range l {
		got = append(got, filepath.Base(d.Path))
	}
	if !slices.Equal(got, want) {
		t.Errorf("List() order %v, want %v", got, want)
	}
	if last := l[len(l)-1]; last.Name != "hw:CARD=10,DEV=0" || last.Desc != "" || !last.Capture {
		t.Errorf("a card missing from /proc/asound/cards: %+v", last)
	}
}

// Any name, against the PC's tree: no panic; either an error from the
// package or a device node of the direction asked for, under the root.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"", "default", "hw:1,0", "hw:CARD=Device,DEV=0", "plughw:Device", "plug:hw:0",
		"sysdefault:CARD=PCH", "hw:0,3", "hw:CARD=1,DEV=0,SUBDEV=1", "hw:", "hw:CARD=", "dmix:0", "hw:99,0", "hw:1,0,0,0", "hw:CARD=\"Device\""} {
		f.Add(s, false)
		f.Add(s, true)
	}
	r := pcRoot(f)
	dir := filepath.Join(string(r), "dev", "snd") + string(filepath.Separator)
	f.Fuzz(func(t *testing.T, name string, capture bool) {
		p, err := r.Resolve(name, capture)
		if err != nil {
			if p != "" || !strings.HasPrefix(err.Error(), "kpcm: ") {
				t.Fatalf("Resolve(%q) = %q, %v", name, p, err)
			}
			return
		}
		suffix := "p"
		if capture {
			suffix = "c"
		}
		if !strings.HasPrefix(p, dir+"pcmC") || !strings.HasSuffix(p, suffix) || filepath.Clean(p) != p {
			t.Fatalf("Resolve(%q, capture %v) = %q: not a %s node under %s", name, capture, p, suffix, dir)
		}
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("Resolve(%q) = %q, which does not exist", name, p)
		}
	})
}
