//go:build linux

package kpcm

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Root is where Resolve and List find /dev/snd and /proc/asound ("/" on a
// running system; tests point it at a tree of their own).
type Root string

// Resolve maps an ALSA device name, as ALSA users write it, to the PCM
// device node of one direction under the root:
//
//	"" or "default"             the first card that has that direction, device 0 if it has it
//	"hw:CARD=Device,DEV=0"      card by ID (or index), device number
//	"hw:1,0", "hw:1"            card index, device (default 0)
//	"hw:Device", "hw:Device,1"  card ID, device
//	"plughw:...", "plug:hw:...", "front:...", "sysdefault:CARD=Device", "default:CARD=Device"
//	                            the same card and device
//
// There are no ALSA plugins here: format, channel and rate conversion is
// done in Go by the caller, so plughw: and hw: name the same node. A
// SUBDEV other than 0 is refused (the kernel gives the first free one).
func (r Root) Resolve(name string, capture bool) (string, error) {
	dir := "p"
	if capture {
		dir = "c"
	}
	name = strings.TrimSpace(name)
	if name == "" || name == "default" || name == "sysdefault" {
		return r.firstDevice(dir)
	}
	iface, args, ok := strings.Cut(name, ":")
	switch iface {
	case "hw", "plughw", "sysdefault", "default", "plug", "front":
	default:
		return "", fmt.Errorf("kpcm: device %q: want default, hw:CARD=<id>,DEV=<n>, hw:<card>,<dev> or plughw:<card>,<dev>", name)
	}
	if !ok || args == "" {
		return "", fmt.Errorf("kpcm: device %q names no card", name)
	}
	args = strings.TrimPrefix(args, "hw:") // plug:hw:...
	var card, dev string
	for i, a := range strings.Split(args, ",") {
		k, v, named := strings.Cut(a, "=")
		if !named {
			k, v = []string{"CARD", "DEV", "SUBDEV"}[min(i, 2)], a
		}
		switch strings.ToUpper(strings.TrimSpace(k)) {
		case "CARD":
			card = strings.Trim(strings.TrimSpace(v), `"`)
		case "DEV":
			dev = strings.TrimSpace(v)
		case "SUBDEV":
			if s := strings.TrimSpace(v); s != "0" && s != "-1" {
				return "", fmt.Errorf("kpcm: device %q: subdevice %s: only the first free one can be opened here", name, s)
			}
		default:
			return "", fmt.Errorf("kpcm: device %q: unknown argument %q", name, k)
		}
	}
	idx, err := r.cardIndex(card)
	if err != nil {
		return "", fmt.Errorf("kpcm: device %q: %w", name, err)
	}
	d := 0
	if dev != "" {
		if d, err = strconv.Atoi(dev); err != nil || d < 0 || d > 31 {
			return "", fmt.Errorf("kpcm: device %q: device number %q: want 0-31", name, dev)
		}
	}
	path := filepath.Join(string(r), "dev", "snd", fmt.Sprintf("pcmC%dD%d%s", idx, d, dir))
	if _, err := os.Stat(path); err != nil {
		kind := "playback"
		if capture {
			kind = "capture"
		}
		return "", fmt.Errorf("kpcm: device %q: card %d has no %s device %d (%s)", name, idx, kind, d, path)
	}
	return path, nil
}

// cardIndex is the index of the card named by its index or its ID (the
// name in /proc/asound/cards between brackets, /proc/asound/<ID>).
func (r Root) cardIndex(card string) (int, error) {
	if card == "" {
		return 0, fmt.Errorf("no card")
	}
	if n, err := strconv.Atoi(card); err == nil {
		if n < 0 || n > 31 {
			return 0, fmt.Errorf("card %d: want 0-31", n)
		}
		return n, nil
	}
	for _, c := range r.cards() {
		if c.id == card {
			return c.index, nil
		}
	}
	return 0, fmt.Errorf("no sound card %q (cards: %s)", card, r.cardList())
}

type cardInfo struct {
	index    int
	id, name string
}

// cards reads /proc/asound/cards: " 0 [PCH            ]: HDA-Intel - HDA Intel PCH".
func (r Root) cards() []cardInfo {
	b, err := os.ReadFile(filepath.Join(string(r), "proc", "asound", "cards"))
	if err != nil {
		return nil
	}
	var out []cardInfo
	for _, line := range strings.Split(string(b), "\n") {
		head, rest, ok := strings.Cut(line, "[")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(head))
		if err != nil {
			continue
		}
		id, desc, ok := strings.Cut(rest, "]")
		if !ok {
			continue
		}
		_, name, _ := strings.Cut(desc, " - ")
		out = append(out, cardInfo{index: n, id: strings.TrimSpace(id), name: strings.TrimSpace(name)})
	}
	return out
}

func (r Root) cardList() string {
	var s []string
	for _, c := range r.cards() {
		s = append(s, fmt.Sprintf("%d %s", c.index, c.id))
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// firstDevice is the node of the lowest card that has the direction dir,
// its lowest device.
func (r Root) firstDevice(dir string) (string, error) {
	nodes, _ := filepath.Glob(filepath.Join(string(r), "dev", "snd", "pcmC*D*"+dir))
	slices.SortFunc(nodes, byCardDevice)
	for _, p := range nodes {
		var c, d int
		if _, err := fmt.Sscanf(filepath.Base(p), "pcmC%dD%d", &c, &d); err == nil {
			return p, nil
		}
	}
	kind := "playback"
	if dir == "c" {
		kind = "capture"
	}
	return "", fmt.Errorf("kpcm: no sound card with a %s device (%s)", kind, filepath.Join(string(r), "dev", "snd"))
}

// Device is one PCM device direction.
type Device struct {
	Name    string // hw:CARD=<id>,DEV=<n>
	Desc    string // card name and PCM name
	Capture bool
	Path    string
}

// List returns the PCM devices under the root, playback and capture, in
// card and device order.
func (r Root) List() []Device {
	var out []Device
	byIndex := map[int]cardInfo{}
	for _, c := range r.cards() {
		byIndex[c.index] = c
	}
	nodes, _ := filepath.Glob(filepath.Join(string(r), "dev", "snd", "pcmC*D*"))
	slices.SortFunc(nodes, byCardDevice)
	for _, p := range nodes {
		var c, d int
		var dir string
		if _, err := fmt.Sscanf(filepath.Base(p), "pcmC%dD%d%s", &c, &d, &dir); err != nil || (dir != "p" && dir != "c") {
			continue
		}
		ci, ok := byIndex[c]
		if !ok {
			ci = cardInfo{index: c, id: strconv.Itoa(c)}
		}
		desc := ci.name
		if info, err := os.ReadFile(filepath.Join(string(r), "proc", "asound", fmt.Sprintf("card%d", c), fmt.Sprintf("pcm%d%s", d, dir), "info")); err == nil {
			for _, line := range strings.Split(string(info), "\n") {
				if v, ok := strings.CutPrefix(line, "name: "); ok {
					desc = strings.TrimSpace(ci.name + ": " + v)
				}
			}
		}
		out = append(out, Device{Name: fmt.Sprintf("hw:CARD=%s,DEV=%d", ci.id, d), Desc: desc, Capture: dir == "c", Path: p})
	}
	return out
}

// byCardDevice orders device nodes by card and device number, playback
// before capture: a string sort would put pcmC0D10p before pcmC0D3p.
func byCardDevice(a, b string) int {
	var ca, da, cb, db int
	fmt.Sscanf(filepath.Base(a), "pcmC%dD%d", &ca, &da)
	fmt.Sscanf(filepath.Base(b), "pcmC%dD%d", &cb, &db)
	return cmp.Or(cmp.Compare(ca, cb), cmp.Compare(da, db), strings.Compare(b, a)) // "p" > "c"
}
