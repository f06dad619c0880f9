package abboot

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/skoip/skoip/cmd/skoip/internal/statefile"
)

// File names on the boot partition.
const (
	ConfigFile  = "config.txt"
	TrybootFile = "tryboot.txt"
	TryFile     = "skoip-try.txt"
	CmdlineFile = "cmdline.txt"
)

// maxFile bounds what is read of any of these files: they are a few lines.
const maxFile = 64 << 10

// Slot is "A" or "B".
type Slot string

// The two slots.
const (
	A Slot = "A"
	B Slot = "B"
)

// ParseSlot accepts A, B, a or b.
func ParseSlot(s string) (Slot, error) {
	switch strings.ToUpper(s) {
	case "A":
		return A, nil
	case "B":
		return B, nil
	}
	return "", fmt.Errorf("no slot %q: A or B", s)
}

// Prefix is the slot's folder on the boot partition: "a/" or "b/".
func (s Slot) Prefix() string { return strings.ToLower(string(s)) + "/" }

// Partition is the slot's partition number on the SD card: 2 or 3.
func (s Slot) Partition() int {
	if s == B {
		return 3
	}
	return 2
}

// Other is the slot that is not s.
func (s Slot) Other() Slot {
	if s == A {
		return B
	}
	return A
}

// Mode is how a new slot is tried.
type Mode int

const (
	// ModeTryboot: the firmware boots tryboot.txt once after a reboot
	// with "0 tryboot".
	ModeTryboot Mode = iota
	// ModeCounter: config.txt is switched and the boots are counted.
	ModeCounter
)

func (m Mode) String() string {
	if m == ModeCounter {
		return "counter"
	}
	return "tryboot"
}

// ModeFor picks the mode from the device tree's model string
// (/proc/device-tree/model): the firmware of the Pi 4, 400, 5 and CM4 has
// tryboot; older Pis do not. Anything else (QEMU's virt machine, whose
// stand-in firmware is the image test) is taken to have it.
func ModeFor(model string) Mode {
	model = strings.TrimRight(model, "\x00\n")
	for _, old := range []string{"Raspberry Pi 3", "Raspberry Pi 2", "Raspberry Pi Zero", "Raspberry Pi Model",
		"Raspberry Pi Compute Module 3", "Raspberry Pi Compute Module Rev"} {
		if strings.HasPrefix(model, old) {
			return ModeCounter
		}
	}
	return ModeTryboot
}

// maxBoots bounds the boots counted in skoip-try.txt.
const maxBoots = 1000

// Try is skoip-try.txt: a slot being tried.
type Try struct {
	To, From Slot
	Boots    int // boots of To so far
}

func (t Try) String() string { return fmt.Sprintf("to=%s from=%s boots=%d\n", t.To, t.From, t.Boots) }

// parseTry reads "to=B from=A boots=N".
func parseTry(b []byte) (Try, error) {
	var t Try
	seen := map[string]bool{}
	for _, f := range strings.Fields(string(b)) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return Try{}, fmt.Errorf("%s: %q is not key=value", TryFile, f)
		}
		if seen[k] {
			return Try{}, fmt.Errorf("%s: %s given twice", TryFile, k)
		}
		seen[k] = true
		var err error
		switch k {
		case "to":
			t.To, err = ParseSlot(v)
		case "from":
			t.From, err = ParseSlot(v)
		case "boots":
			t.Boots, err = strconv.Atoi(v)
			if err == nil && (t.Boots < 0 || t.Boots > maxBoots) {
				err = fmt.Errorf("boots %d out of range", t.Boots)
			}
		default:
			err = fmt.Errorf("unknown key %q", k)
		}
		if err != nil {
			return Try{}, fmt.Errorf("%s: %w", TryFile, err)
		}
	}
	if len(seen) != 3 || t.To == t.From {
		return Try{}, fmt.Errorf("%s: want to=X from=Y boots=N with two different slots, got %q", TryFile, b)
	}
	return t, nil
}

// Boot is the boot partition of a running system.
type Boot struct {
	Dir     string // mount point of the FAT boot partition
	Current Slot   // the slot this system booted from
	Mode    Mode
}

func (b *Boot) path(name string) string { return filepath.Join(b.Dir, name) }

func (b *Boot) read(name string) ([]byte, error) { return statefile.ReadRegular(b.path(name), maxFile) }

func (b *Boot) write(name string, data []byte) error {
	return statefile.WriteAtomic(b.path(name), data, 0o644)
}

func (b *Boot) remove(name string) error {
	if err := os.Remove(b.path(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return statefile.SyncDir(b.Dir)
}

// prefixLine finds config.txt's os_prefix line: its index among lines and
// its slot. There must be exactly one, naming a/ or b/.
func prefixLine(lines []string) (int, Slot, error) {
	at, n := -1, 0
	var slot Slot
	for i, l := range lines {
		k, v, ok := strings.Cut(strings.TrimSpace(l), "=")
		if !ok || strings.TrimSpace(k) != "os_prefix" {
			continue
		}
		n++
		at = i
		s, err := ParseSlot(strings.TrimSuffix(strings.TrimSpace(v), "/"))
		if err != nil {
			return 0, "", fmt.Errorf("%s: os_prefix=%s is not a/ or b/", ConfigFile, strings.TrimSpace(v))
		}
		slot = s
	}
	if n != 1 {
		return 0, "", fmt.Errorf("%s: want one os_prefix line (a/ or b/), found %d", ConfigFile, n)
	}
	return at, slot, nil
}

func splitLines(b []byte) []string {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxFile)
	for sc.Scan() {
		lines = append(lines, strings.TrimSuffix(sc.Text(), "\r"))
	}
	return lines
}

// withPrefix is config.txt with its os_prefix line naming s.
func withPrefix(cfg []byte, s Slot) ([]byte, error) {
	lines := splitLines(cfg)
	i, _, err := prefixLine(lines)
	if err != nil {
		return nil, err
	}
	lines[i] = "os_prefix=" + s.Prefix()
	return []byte(strings.Join(lines, "\n") + "\n"), nil
}

// Committed is the slot config.txt boots.
func (b *Boot) Committed() (Slot, error) {
	cfg, err := b.read(ConfigFile)
	if err != nil {
		return "", err
	}
	_, s, err := prefixLine(splitLines(cfg))
	return s, err
}

// commit points config.txt at s (no write when it already does).
func (b *Boot) commit(s Slot) error {
	cfg, err := b.read(ConfigFile)
	if err != nil {
		return err
	}
	if _, cur, err := prefixLine(splitLines(cfg)); err != nil {
		return err
	} else if cur == s {
		return nil
	}
	out, err := withPrefix(cfg, s)
	if err != nil {
		return err
	}
	return b.write(ConfigFile, out)
}

// Pending is the slot being tried, nil when none.
func (b *Boot) Pending() (*Try, error) {
	data, err := b.read(TryFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t, err := parseTry(data)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Primary is the slot the next boot is meant to start (RAUC's
// get-primary): the one being tried, else the committed one.
func (b *Boot) Primary() (Slot, error) {
	t, err := b.Pending()
	if err != nil {
		return "", err
	}
	if t != nil {
		return t.To, nil
	}
	return b.Committed()
}

// State is RAUC's get-state: good for the committed slot and the one being
// tried, bad for a slot that neither boots.
func (b *Boot) State(s Slot) (string, error) {
	c, err := b.Committed()
	if err != nil {
		return "", err
	}
	t, err := b.Pending()
	if err != nil {
		return "", err
	}
	if s == c || (t != nil && t.To == s) {
		return "good", nil
	}
	return "bad", nil
}

// SetPrimary is RAUC's set-primary, called once a slot is written: the
// next boot (a reboot with "0 tryboot" in ModeTryboot) tries s; the slot
// that booted before any try stays the fallback until s is confirmed.
// Setting the fallback slot abandons any try.
func (b *Boot) SetPrimary(s Slot) error {
	t, err := b.Pending()
	if err != nil {
		return err
	}
	fallback, err := b.Committed()
	if err != nil {
		return err
	}
	if t != nil {
		// In ModeCounter config.txt already names the slot being tried.
		fallback = t.From
	}
	if s == fallback {
		return b.abandon(t)
	}
	if err := b.write(TryFile, []byte(Try{To: s, From: fallback}.String())); err != nil {
		return err
	}
	if b.Mode == ModeCounter {
		return b.commit(s)
	}
	cfg, err := b.read(ConfigFile)
	if err != nil {
		return err
	}
	tb, err := withPrefix(cfg, s)
	if err != nil {
		return err
	}
	return b.write(TrybootFile, tb)
}

// abandon ends a try: config.txt back on the slot it came from (t.From;
// nil: leave config.txt), then tryboot.txt and skoip-try.txt removed.
func (b *Boot) abandon(t *Try) error {
	if t != nil {
		if err := b.commit(t.From); err != nil {
			return err
		}
	}
	if err := b.remove(TrybootFile); err != nil {
		return err
	}
	return b.remove(TryFile)
}

// SetState is RAUC's set-state. good for the slot this system booted from
// while it is being tried commits it (config.txt boots it from now on);
// bad for the slot being tried abandons the try (RAUC marks a slot bad
// before it writes it). Other combinations change nothing.
func (b *Boot) SetState(s Slot, good bool) error {
	t, err := b.Pending()
	if err != nil {
		return err
	}
	switch {
	case t == nil || t.To != s:
		return nil
	case good && s == b.Current:
		if err := b.commit(s); err != nil {
			return err
		}
		if err := b.remove(TrybootFile); err != nil {
			return err
		}
		return b.remove(TryFile)
	case !good:
		return b.abandon(t)
	}
	return nil
}

// Check is what BootCheck found.
type Check struct {
	Trying bool // this boot is a try of Current: confirm it or lose it
	// Failed is the slot whose try ended without confirmation: this boot
	// is the slot it came from ("" when none).
	Failed Slot
	// Reboot: config.txt was switched back (ModeCounter, a second boot
	// of an unconfirmed slot); reboot now to get to the old slot.
	Reboot bool
	Boots  int // boots of the tried slot, this one included
}

// BootCheck runs early at each boot: it counts a try's boots, notices a
// try that the firmware (or the counter) ended by booting the old slot,
// and in ModeCounter gives up a slot on its second unconfirmed boot.
func (b *Boot) BootCheck() (Check, error) {
	t, err := b.Pending()
	if err != nil {
		// An unreadable skoip-try.txt: keep booting what config.txt says.
		if rerr := b.abandon(nil); rerr != nil {
			return Check{}, errors.Join(err, rerr)
		}
		return Check{}, err
	}
	if t == nil {
		return Check{}, nil
	}
	switch b.Current {
	case t.From:
		return Check{Failed: t.To, Boots: t.Boots}, b.abandon(t)
	case t.To:
		t.Boots = min(t.Boots+1, maxBoots)
		if b.Mode == ModeCounter && t.Boots > 1 {
			return Check{Failed: t.To, Reboot: true, Boots: t.Boots}, b.abandon(t)
		}
		if err := b.write(TryFile, []byte(t.String())); err != nil {
			return Check{}, err
		}
		return Check{Trying: true, Boots: t.Boots}, nil
	}
	return Check{}, nil
}

// CurrentFromCmdline is the rauc.slot= of a kernel command line.
func CurrentFromCmdline(cmdline string) (Slot, error) {
	for _, f := range strings.Fields(cmdline) {
		if v, ok := strings.CutPrefix(f, "rauc.slot="); ok {
			return ParseSlot(v)
		}
	}
	return "", errors.New("the kernel command line has no rauc.slot=A or =B: not booted from an A/B image")
}

// mbrPartUUID is an MBR partition's PARTUUID: disk identifier, partition.
var mbrPartUUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9]{2}$`)

// SlotCmdline is the current slot's cmdline.txt made to boot s: its
// root=PARTUUID=<disk>-NN names s's partition and rauc.slot= is s; every
// other word stays.
func SlotCmdline(cmdline string, s Slot) (string, error) {
	var out []string
	root, slot := false, false
	for _, f := range strings.Fields(cmdline) {
		switch {
		case strings.HasPrefix(f, "root=PARTUUID="):
			id := strings.TrimPrefix(f, "root=PARTUUID=")
			if !mbrPartUUID.MatchString(id) {
				return "", fmt.Errorf("root=PARTUUID=%s: want an MBR partition, <8 hex digits>-<2 digits>", id)
			}
			f = fmt.Sprintf("root=PARTUUID=%s-%02d", id[:8], s.Partition())
			root = true
		case strings.HasPrefix(f, "rauc.slot="):
			if slot {
				continue // one is enough
			}
			f = "rauc.slot=" + string(s)
			slot = true
		}
		out = append(out, f)
	}
	if !root {
		return "", errors.New("the command line has no root=PARTUUID=")
	}
	if !slot {
		out = append(out, "rauc.slot="+string(s))
	}
	return strings.Join(out, " ") + "\n", nil
}

// InstallBoot puts a slot's boot files (src: the kernel, initramfs, device
// trees and overlays as the firmware reads them under os_prefix) in the
// boot partition's folder of s, with a cmdline.txt made from the current
// slot's by SlotCmdline. The folder is replaced whole: copied to
// "<x>.new/", synced, the old one removed, the new one renamed; a power cut
// leaves either folder, and s is not booted before SetPrimary anyway. The
// running slot's folder is never touched.
func (b *Boot) InstallBoot(src string, s Slot) error {
	if s == b.Current {
		return fmt.Errorf("slot %s is the running one: its boot files stay", s)
	}
	cur, err := b.read(b.Current.Prefix() + CmdlineFile)
	if err != nil {
		return fmt.Errorf("the running slot's command line: %w", err)
	}
	cmdline, err := SlotCmdline(string(cur), s)
	if err != nil {
		return err
	}
	dst := b.path(strings.TrimSuffix(s.Prefix(), "/"))
	tmp := dst + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := copyTree(src, tmp); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("copy the boot files of slot %s: %w", s, err)
	}
	if err := statefile.Replace(filepath.Join(tmp, CmdlineFile), []byte(cmdline), 0o644); err != nil {
		return err
	}
	if err := statefile.SyncDir(tmp); err != nil {
		return err
	}
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	return statefile.SyncDir(b.Dir)
}

// copyTree copies the regular files and folders under src to dst, each
// file synced; anything else (a link, a device) is an error.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		case d.Type().IsRegular():
			return copyFile(p, to)
		}
		return fmt.Errorf("%s: not a regular file or folder", p)
	})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err = io.Copy(out, in); err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
