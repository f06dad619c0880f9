package abboot

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// configTxt is a boot partition's config.txt as the A/B image has it.
const configTxt = `# SKOIP SD-card image: see the README before editing.
# The firmware loads the kernel, initramfs and overlays from os_prefix.
[all]
arm_64bit=1
kernel=vmlinuz
initramfs initrd.img followkernel
os_prefix=a/
auto_initramfs=0
dtparam=audio=off
dtoverlay=vc4-kms-v3d
# disable_splash=1

[pi4]
arm_boost=1
`

// crlf is s with DOS line endings.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// withSlot is configTxt booting s.
func withSlot(s Slot) string {
	return strings.Replace(configTxt, "os_prefix=a/", "os_prefix="+s.Prefix(), 1)
}

// newBoot is a boot partition in a temporary folder holding config.
func newBoot(t *testing.T, mode Mode, cur Slot, config string) *Boot {
	t.Helper()
	b := &Boot{Dir: t.TempDir(), Current: cur, Mode: mode}
	writeFile(t, b.path(ConfigFile), config)
	return b
}

// as is the same boot partition seen from a boot of slot s.
func (b *Boot) as(s Slot) *Boot { return &Boot{Dir: b.Dir, Current: s, Mode: b.Mode} }

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// file is the content of name on b's partition, "" when it is absent.
func file(t *testing.T, b *Boot, name string) string {
	t.Helper()
	data, err := os.ReadFile(b.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func exists(t *testing.T, b *Boot, name string) bool {
	t.Helper()
	_, err := os.Lstat(b.path(name))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}

// lines splits text into lines without their CR or LF.
func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(s, "\r\n", "\n"), "\n"), "\n")
}

// sameExceptPrefix fails unless got is want line for line, save the
// os_prefix line, which must name s.
func sameExceptPrefix(t *testing.T, what, got, want string, s Slot) {
	t.Helper()
	g, w := lines(got), lines(want)
	if len(g) != len(w) {
		t.Fatalf("%s has %d lines, want %d:\n%s", what, len(g), len(w), got)
	}
	prefixes := 0
	for i := range w {
		if strings.HasPrefix(w[i], "os_prefix=") {
			prefixes++
			if g[i] != "os_prefix="+s.Prefix() {
				t.Errorf("%s line %d: %q, want os_prefix=%s", what, i+1, g[i], s.Prefix())
			}
			continue
		}
		if g[i] != w[i] {
			t.Errorf("%s line %d: %q, want %q", what, i+1, g[i], w[i])
		}
	}
	if prefixes != 1 {
		t.Fatalf("the reference config has %d os_prefix lines", prefixes)
	}
}

// noTry fails when a try is still recorded on b.
func noTry(t *testing.T, b *Boot) {
	t.Helper()
	for _, name := range []string{TryFile, TrybootFile} {
		if exists(t, b, name) {
			t.Errorf("%s is still there: %q", name, file(t, b, name))
		}
	}
}

func committed(t *testing.T, b *Boot) Slot {
	t.Helper()
	s, err := b.Committed()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func primary(t *testing.T, b *Boot) Slot {
	t.Helper()
	s, err := b.Primary()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func states(t *testing.T, b *Boot) [2]string {
	t.Helper()
	var out [2]string
	for i, s := range []Slot{A, B} {
		st, err := b.State(s)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = st
	}
	return out
}

func bootCheck(t *testing.T, b *Boot) Check {
	t.Helper()
	c, err := b.BootCheck()
	if err != nil {
		t.Fatalf("BootCheck on %s: %v", b.Current, err)
	}
	return c
}

func TestSlots(t *testing.T) {
	for in, want := range map[string]Slot{"A": A, "a": A, "B": B, "b": B} {
		if got, err := ParseSlot(in); got != want || err != nil {
			t.Errorf("ParseSlot(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "C", "AB", " A", "a/"} {
		if got, err := ParseSlot(in); err == nil {
			t.Errorf("ParseSlot(%q) = %q, want an error", in, got)
		}
	}
	if A.Prefix() != "a/" || B.Prefix() != "b/" || A.Partition() != 2 || B.Partition() != 3 ||
		A.Other() != B || B.Other() != A {
		t.Errorf("A: %s %d %s, B: %s %d %s", A.Prefix(), A.Partition(), A.Other(), B.Prefix(), B.Partition(), B.Other())
	}
}

func TestCommitted(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		want         Slot
		err          string
	}{
		{"a", configTxt, A, ""},
		{"b", withSlot(B), B, ""},
		{"crlf", crlf(withSlot(B)), B, ""},
		{"spaces", strings.Replace(configTxt, "os_prefix=a/", "  os_prefix = b/ ", 1), B, ""},
		{"commented other", "#os_prefix=b/\n# os_prefix=b/\nos_prefix=a/\n", A, ""},
		{"no final newline", "kernel=vmlinuz\nos_prefix=b/", B, ""},
		{"none", strings.Replace(configTxt, "os_prefix=a/\n", "", 1), "", "found 0"},
		{"only commented", "# os_prefix=a/\nkernel=vmlinuz\n", "", "found 0"},
		{"two", configTxt + "os_prefix=b/\n", "", "found 2"},
		{"two same", configTxt + "os_prefix=a/\n", "", "found 2"},
		{"c", strings.Replace(configTxt, "os_prefix=a/", "os_prefix=c/", 1), "", "os_prefix=c/ is not a/ or b/"},
		{"empty prefix", strings.Replace(configTxt, "os_prefix=a/", "os_prefix=", 1), "", "is not a/ or b/"},
		{"empty file", "", "", "found 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBoot(t, ModeTryboot, A, tc.config)
			got, err := b.Committed()
			if tc.err == "" {
				if err != nil || got != tc.want {
					t.Fatalf("Committed() = %q, %v, want %s", got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("Committed() = %q, %v, want an error with %q", got, err, tc.err)
			}
		})
	}
	b := &Boot{Dir: t.TempDir(), Current: A}
	if _, err := b.Committed(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no config.txt: %v", err)
	}
}

// Every command refuses a config.txt without exactly one usable os_prefix
// and writes nothing.
func TestBadConfigRefused(t *testing.T) {
	for name, config := range map[string]string{
		"none": strings.Replace(configTxt, "os_prefix=a/\n", "", 1),
		"two":  configTxt + "os_prefix=b/\n",
		"c":    strings.Replace(configTxt, "os_prefix=a/", "os_prefix=c/", 1),
	} {
		for _, mode := range []Mode{ModeTryboot, ModeCounter} {
			t.Run(name+"/"+mode.String(), func(t *testing.T) {
				b := newBoot(t, mode, A, config)
				if err := b.SetPrimary(B); err == nil {
					t.Error("SetPrimary(B) accepted it")
				}
				if _, err := b.Primary(); err == nil {
					t.Error("Primary accepted it")
				}
				if _, err := b.State(A); err == nil {
					t.Error("State(A) accepted it")
				}
				if got := file(t, b, ConfigFile); got != config {
					t.Errorf("config.txt changed:\n%s", got)
				}
				noTry(t, b)
			})
		}
	}
}

func TestSetPrimaryTryboot(t *testing.T) {
	for name, config := range map[string]string{"lf": configTxt, "crlf": crlf(configTxt)} {
		t.Run(name, func(t *testing.T) {
			b := newBoot(t, ModeTryboot, A, config)
			if p := primary(t, b); p != A {
				t.Errorf("primary before: %s", p)
			}
			if st := states(t, b); st != [2]string{"good", "bad"} {
				t.Errorf("states before: %v", st)
			}
			if p, err := b.Pending(); p != nil || err != nil {
				t.Errorf("pending before: %v, %v", p, err)
			}
			if err := b.SetPrimary(B); err != nil {
				t.Fatal(err)
			}
			if got := file(t, b, ConfigFile); got != config {
				t.Errorf("config.txt changed:\n%q", got)
			}
			sameExceptPrefix(t, TrybootFile, file(t, b, TrybootFile), config, B)
			if got := file(t, b, TryFile); got != "to=B from=A boots=0\n" {
				t.Errorf("%s: %q", TryFile, got)
			}
			if p := primary(t, b); p != B {
				t.Errorf("primary after: %s", p)
			}
			if c := committed(t, b); c != A {
				t.Errorf("committed after: %s", c)
			}
			if st := states(t, b); st != [2]string{"good", "good"} {
				t.Errorf("states after: %v", st)
			}
			if p, err := b.Pending(); err != nil || p == nil || *p != (Try{To: B, From: A}) {
				t.Errorf("pending after: %v, %v", p, err)
			}
		})
	}
}

// SetPrimary of the committed slot ends a try (RAUC's mark-active of the
// running slot) and otherwise writes nothing.
func TestSetPrimaryCommittedAbandons(t *testing.T) {
	b := newBoot(t, ModeTryboot, A, configTxt)
	if err := b.SetPrimary(A); err != nil {
		t.Fatal(err)
	}
	noTry(t, b)
	if got := file(t, b, ConfigFile); got != configTxt {
		t.Errorf("config.txt rewritten:\n%s", got)
	}
	if err := b.SetPrimary(B); err != nil {
		t.Fatal(err)
	}
	if err := b.SetPrimary(A); err != nil {
		t.Fatal(err)
	}
	noTry(t, b)
	if got := file(t, b, ConfigFile); got != configTxt {
		t.Errorf("config.txt changed:\n%s", got)
	}
	if p := primary(t, b); p != A {
		t.Errorf("primary %s", p)
	}
	if st := states(t, b); st != [2]string{"good", "bad"} {
		t.Errorf("states %v", st)
	}
}

// The whole update on a Pi 4: set-primary on A, a tryboot reboot into B,
// the boot check, the confirmation.
func TestTrybootHappyPath(t *testing.T) {
	for name, config := range map[string]string{"lf": configTxt, "crlf": crlf(configTxt)} {
		t.Run(name, func(t *testing.T) {
			onA := newBoot(t, ModeTryboot, A, config)
			if err := onA.SetPrimary(B); err != nil {
				t.Fatal(err)
			}
			onB := onA.as(B)
			if c := bootCheck(t, onB); c != (Check{Trying: true, Boots: 1}) {
				t.Errorf("first boot of B: %+v", c)
			}
			if got := file(t, onB, TryFile); got != "to=B from=A boots=1\n" {
				t.Errorf("%s after the boot check: %q", TryFile, got)
			}
			if got := file(t, onB, ConfigFile); got != config {
				t.Errorf("config.txt changed by the boot check:\n%s", got)
			}
			// RAUC's mark-good of A (not the slot being tried) changes nothing.
			if err := onB.SetState(A, true); err != nil {
				t.Fatal(err)
			}
			if !exists(t, onB, TryFile) || committed(t, onB) != A {
				t.Fatal("set-state A good during the try of B changed it")
			}
			if err := onB.SetState(B, true); err != nil {
				t.Fatal(err)
			}
			noTry(t, onB)
			if c := committed(t, onB); c != B {
				t.Fatalf("committed %s after the confirmation", c)
			}
			sameExceptPrefix(t, ConfigFile, file(t, onB, ConfigFile), config, B)
			if p := primary(t, onB); p != B {
				t.Errorf("primary %s", p)
			}
			if st := states(t, onB); st != [2]string{"bad", "good"} {
				t.Errorf("states %v", st)
			}
			if c := bootCheck(t, onB); c != (Check{}) {
				t.Errorf("next boot of B: %+v", c)
			}
		})
	}
}

// A try the firmware gave up (a crash, the watchdog, the confirmation's
// deadline): the next boot is A again.
func TestTrybootFailed(t *testing.T) {
	for _, boots := range []int{0, 1} {
		onA := newBoot(t, ModeTryboot, A, configTxt)
		if err := onA.SetPrimary(B); err != nil {
			t.Fatal(err)
		}
		if boots == 1 {
			bootCheck(t, onA.as(B))
		}
		if c := bootCheck(t, onA); c != (Check{Failed: B, Boots: boots}) {
			t.Errorf("boots %d: back on A: %+v", boots, c)
		}
		noTry(t, onA)
		if got := file(t, onA, ConfigFile); got != configTxt {
			t.Errorf("boots %d: config.txt changed:\n%s", boots, got)
		}
		if c := bootCheck(t, onA); c != (Check{}) {
			t.Errorf("boots %d: the boot after: %+v", boots, c)
		}
	}
}

func TestCounter(t *testing.T) {
	for name, config := range map[string]string{"lf": configTxt, "crlf": crlf(configTxt)} {
		t.Run(name, func(t *testing.T) {
			onA := newBoot(t, ModeCounter, A, config)
			if err := onA.SetPrimary(B); err != nil {
				t.Fatal(err)
			}
			if exists(t, onA, TrybootFile) {
				t.Error("tryboot.txt written in counter mode")
			}
			sameExceptPrefix(t, ConfigFile, file(t, onA, ConfigFile), config, B)
			if got := file(t, onA, TryFile); got != "to=B from=A boots=0\n" {
				t.Errorf("%s: %q", TryFile, got)
			}
			if p := primary(t, onA); p != B {
				t.Errorf("primary %s", p)
			}
			onB := onA.as(B)
			if c := bootCheck(t, onB); c != (Check{Trying: true, Boots: 1}) {
				t.Errorf("first boot of B: %+v", c)
			}
			if got := file(t, onB, TryFile); got != "to=B from=A boots=1\n" {
				t.Errorf("%s: %q", TryFile, got)
			}
			if c := bootCheck(t, onB); c != (Check{Failed: B, Reboot: true, Boots: 2}) {
				t.Errorf("second boot of B: %+v", c)
			}
			noTry(t, onB)
			sameExceptPrefix(t, ConfigFile, file(t, onB, ConfigFile), config, A)
			if c := bootCheck(t, onA); c != (Check{}) {
				t.Errorf("the boot of A after: %+v", c)
			}
		})
	}
}

func TestCounterConfirmed(t *testing.T) {
	onA := newBoot(t, ModeCounter, A, configTxt)
	if err := onA.SetPrimary(B); err != nil {
		t.Fatal(err)
	}
	onB := onA.as(B)
	bootCheck(t, onB)
	if err := onB.SetState(B, true); err != nil {
		t.Fatal(err)
	}
	noTry(t, onB)
	if got := file(t, onB, ConfigFile); got != withSlot(B) {
		t.Errorf("config.txt:\n%s", got)
	}
	for i := 0; i < 2; i++ {
		if c := bootCheck(t, onB); c != (Check{}) {
			t.Errorf("boot %d of the confirmed B: %+v", i+2, c)
		}
	}
}

// RAUC marks the slot it is about to write bad: a try of it ends.
func TestSetStateBadAbandons(t *testing.T) {
	for _, mode := range []Mode{ModeTryboot, ModeCounter} {
		t.Run(mode.String(), func(t *testing.T) {
			b := newBoot(t, mode, A, configTxt)
			if err := b.SetPrimary(B); err != nil {
				t.Fatal(err)
			}
			// bad for the slot not being tried changes nothing
			if err := b.SetState(A, false); err != nil {
				t.Fatal(err)
			}
			if !exists(t, b, TryFile) {
				t.Fatal("set-state A bad ended the try of B")
			}
			if err := b.SetState(B, false); err != nil {
				t.Fatal(err)
			}
			noTry(t, b)
			if got := file(t, b, ConfigFile); got != configTxt {
				t.Errorf("config.txt:\n%s", got)
			}
			if st := states(t, b); st != [2]string{"good", "bad"} {
				t.Errorf("states %v", st)
			}
		})
	}
}

// good only commits the slot this system booted from.
func TestSetStateGoodNotBooted(t *testing.T) {
	for _, mode := range []Mode{ModeTryboot, ModeCounter} {
		t.Run(mode.String(), func(t *testing.T) {
			b := newBoot(t, mode, A, configTxt)
			if err := b.SetState(B, true); err != nil {
				t.Fatal(err)
			}
			if got := file(t, b, ConfigFile); got != configTxt || exists(t, b, TryFile) {
				t.Fatalf("set-state B good with no try changed something:\n%s", got)
			}
			if err := b.SetPrimary(B); err != nil {
				t.Fatal(err)
			}
			cfg, try, tb := file(t, b, ConfigFile), file(t, b, TryFile), file(t, b, TrybootFile)
			if err := b.SetState(B, true); err != nil {
				t.Fatal(err)
			}
			if file(t, b, ConfigFile) != cfg || file(t, b, TryFile) != try || file(t, b, TrybootFile) != tb {
				t.Error("set-state B good while booted from A changed the boot files")
			}
			if p := primary(t, b); p != B {
				t.Errorf("primary %s", p)
			}
		})
	}
}

func TestParseTry(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want *Try // nil: an error
	}{
		{"to=B from=A boots=0\n", &Try{B, A, 0}},
		{"to=A from=B boots=1", &Try{A, B, 1}},
		{"  boots=7\tfrom=a to=b\r\n", &Try{B, A, 7}},
		{"to=B from=A boots=1000", &Try{B, A, 1000}},
		{"", nil},
		{"\n", nil},
		{"to=B from=A", nil},
		{"to=B from=B boots=0", nil},
		{"to=C from=A boots=0", nil},
		{"to=B from=A boots=-1", nil},
		{"to=B from=A boots=1001", nil},
		{"to=B from=A boots=99999999999999999999", nil},
		{"to=B from=A boots=x", nil},
		{"to=B from=A boots=0 extra", nil},
		{"to=B from=A boots=0 when=now", nil},
		{"to=B from=A boots=0 boots=1", nil},
		{"to=B,from=A,boots=0", nil},
		{"\x00\xff", nil},
	} {
		got, err := parseTry([]byte(tc.in))
		switch {
		case tc.want == nil && err == nil:
			t.Errorf("parseTry(%q) = %+v, want an error", tc.in, got)
		case tc.want != nil && (err != nil || got != *tc.want):
			t.Errorf("parseTry(%q) = %+v, %v, want %+v", tc.in, got, err, *tc.want)
		case err != nil && !strings.HasPrefix(err.Error(), TryFile+": "):
			t.Errorf("parseTry(%q): error %q does not name %s", tc.in, err, TryFile)
		}
	}
}

// A key given twice is refused (it would leave a slot empty).
func TestParseTryDuplicateKey(t *testing.T) {
	for _, in := range []string{"to=B to=B boots=0", "to=B boots=1 boots=2", "from=A from=A boots=0"} {
		got, err := parseTry([]byte(in))
		if err == nil {
			t.Errorf("parseTry(%q) = %+v, want an error", in, got)
		}
	}
}

// An unreadable skoip-try.txt is reported and removed (with tryboot.txt):
// the next boot is a plain boot of config.txt's slot.
func TestBootCheckBadTryFile(t *testing.T) {
	for name, try := range map[string]string{
		"garbage":      "\x00\x01 not a try\n",
		"boots range":  "to=B from=A boots=1001\n",
		"same slots":   "to=A from=A boots=0\n",
		"missing keys": "to=B\n",
	} {
		for _, mode := range []Mode{ModeTryboot, ModeCounter} {
			t.Run(name+"/"+mode.String(), func(t *testing.T) {
				b := newBoot(t, mode, A, configTxt)
				writeFile(t, b.path(TryFile), try)
				writeFile(t, b.path(TrybootFile), withSlot(B))
				if _, err := b.Primary(); err == nil {
					t.Error("Primary read the bad try")
				}
				if _, err := b.BootCheck(); err == nil || !strings.Contains(err.Error(), TryFile) {
					t.Errorf("BootCheck: %v, want an error about %s", err, TryFile)
				}
				noTry(t, b)
				if got := file(t, b, ConfigFile); got != configTxt {
					t.Errorf("config.txt changed:\n%s", got)
				}
				if c := bootCheck(t, b); c != (Check{}) {
					t.Errorf("next boot: %+v", c)
				}
				if p := primary(t, b); p != A {
					t.Errorf("primary %s", p)
				}
			})
		}
	}
}

// In tryboot mode a try is counted however often it boots; the count
// stops at the bound and stays readable.
func TestBootCheckBootsBound(t *testing.T) {
	b := newBoot(t, ModeTryboot, B, configTxt)
	writeFile(t, b.path(TryFile), "to=B from=A boots=999\n")
	for i := 0; i < 3; i++ {
		if c := bootCheck(t, b); c != (Check{Trying: true, Boots: 1000}) {
			t.Fatalf("boot %d past 999: %+v", i+1, c)
		}
	}
	if got := file(t, b, TryFile); got != "to=B from=A boots=1000\n" {
		t.Errorf("try file %q", got)
	}
}

// settle boots a counter-mode Pi from first on until no try is left: each
// later boot is the slot config.txt names, and nothing confirms. It
// returns the slot the Pi ends up running.
func settle(t *testing.T, dir string, first Slot) Slot {
	t.Helper()
	cur := first
	for i := 0; i < 5; i++ {
		b := &Boot{Dir: dir, Current: cur, Mode: ModeCounter}
		c := bootCheck(t, b)
		p, err := b.Pending()
		if err != nil {
			t.Fatal(err)
		}
		if p == nil && !c.Reboot {
			return cur
		}
		cur = committed(t, b)
	}
	t.Fatalf("still trying after 5 boots: %q", file(t, &Boot{Dir: dir}, TryFile))
	return ""
}

// A power cut between the writes of the counter mode leaves a pair of
// files that the next boots resolve: back on A, no try left.
func TestCounterPowerCut(t *testing.T) {
	tmp := "." + ConfigFile + ".123.tmp"
	for _, tc := range []struct {
		name        string
		config, try string
		extra       string // a file left by an unfinished write
		onA, onB    bool   // the first boot to simulate: A, B or both
	}{
		// SetPrimary: skoip-try.txt written, config.txt not switched yet.
		{name: "set-primary before the switch", config: configTxt, try: "to=B from=A boots=0\n", onA: true, onB: true},
		// SetPrimary: config.txt's temporary file written, not renamed.
		{name: "set-primary before the rename", config: configTxt, try: "to=B from=A boots=0\n", extra: tmp, onA: true, onB: true},
		// SetPrimary done, no boot yet.
		{name: "set-primary done", config: withSlot(B), try: "to=B from=A boots=0\n", onB: true},
		// BootCheck's give-up: config.txt back on A, skoip-try.txt not removed yet.
		{name: "give-up before the removal", config: configTxt, try: "to=B from=A boots=1\n", onA: true, onB: true},
		// After the first boot of B.
		{name: "first boot counted", config: withSlot(B), try: "to=B from=A boots=1\n", onB: true},
		// The first boot's count not renamed into place.
		{name: "count not written", config: withSlot(B), try: "to=B from=A boots=0\n", extra: "." + TryFile + ".1.tmp", onB: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, first := range []Slot{A, B} {
				if first == A && !tc.onA || first == B && !tc.onB {
					continue
				}
				dir := t.TempDir()
				b := &Boot{Dir: dir, Current: first, Mode: ModeCounter}
				writeFile(t, b.path(ConfigFile), tc.config)
				writeFile(t, b.path(TryFile), tc.try)
				if tc.extra != "" {
					writeFile(t, b.path(tc.extra), withSlot(B))
				}
				if end := settle(t, dir, first); end != A {
					t.Errorf("from %s: ends on %s", first, end)
				}
				noTry(t, b)
				if got := file(t, b, ConfigFile); got != configTxt {
					t.Errorf("from %s: config.txt:\n%s", first, got)
				}
			}
		})
	}
}

// After a confirmation is durable (skoip-try.txt removed) no boot undoes it.
func TestCounterConfirmSurvives(t *testing.T) {
	b := newBoot(t, ModeCounter, B, withSlot(B))
	if end := settle(t, b.Dir, B); end != B {
		t.Errorf("ends on %s", end)
	}
	if c := committed(t, b); c != B {
		t.Errorf("committed %s", c)
	}
}

func TestSlotCmdline(t *testing.T) {
	const pi = "console=serial0,115200 console=tty1 root=PARTUUID=1234abcd-02 rootfstype=ext4 fsck.repair=yes rootwait"
	for _, tc := range []struct {
		in   string
		s    Slot
		want string // "": an error
	}{
		{pi + " rauc.slot=A\n", B, "console=serial0,115200 console=tty1 root=PARTUUID=1234abcd-03 rootfstype=ext4 fsck.repair=yes rootwait rauc.slot=B\n"},
		{pi + " rauc.slot=A\n", A, pi + " rauc.slot=A\n"},
		{"rauc.slot=B root=PARTUUID=1234abcd-03 quiet", A, "rauc.slot=A root=PARTUUID=1234abcd-02 quiet\n"},
		{pi, B, "console=serial0,115200 console=tty1 root=PARTUUID=1234abcd-03 rootfstype=ext4 fsck.repair=yes rootwait rauc.slot=B\n"},
		{"  root=PARTUUID=deadbeef-02\t\tquiet  \r\n", B, "root=PARTUUID=deadbeef-03 quiet rauc.slot=B\n"},
		{"", B, ""},
		{"root=/dev/mmcblk0p2 rootwait rauc.slot=A", B, ""},
		{"root=PARTUUID=1234abcd rauc.slot=A", B, ""},
		{"root=PARTUUID=1234-02 rauc.slot=A", B, ""},
		{"root=PARTUUID=1234abcd0-02 rauc.slot=A", B, ""},
		{"root=PARTUUID= rauc.slot=A", B, ""},
		{"rauc.slot=A", B, ""},
	} {
		got, err := SlotCmdline(tc.in, tc.s)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("SlotCmdline(%q, %s) = %q, want an error", tc.in, tc.s, got)
		case tc.want != "" && (err != nil || got != tc.want):
			t.Errorf("SlotCmdline(%q, %s) = %q, %v\nwant %q", tc.in, tc.s, got, err, tc.want)
		}
	}
}

func TestCurrentFromCmdline(t *testing.T) {
	for in, want := range map[string]Slot{
		"console=tty1 root=PARTUUID=1234abcd-02 rootwait rauc.slot=A\n": A,
		"rauc.slot=b quiet":       B,
		"rauc.slot=B rauc.slot=A": B,
		"":                        "",
		"root=/dev/mmcblk0p2":     "",
		"rauc.slot=C":             "",
		"rauc.slot=":              "",
		"xrauc.slot=A":            "",
		"rauc.slot = A":           "",
	} {
		got, err := CurrentFromCmdline(in)
		if want == "" && err == nil || want != "" && (err != nil || got != want) {
			t.Errorf("CurrentFromCmdline(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
}

func TestModeFor(t *testing.T) {
	for model, want := range map[string]Mode{
		"Raspberry Pi 4 Model B Rev 1.4\x00":        ModeTryboot,
		"Raspberry Pi 400 Rev 1.0\x00":              ModeTryboot,
		"Raspberry Pi 5 Model B Rev 1.0":            ModeTryboot,
		"Raspberry Pi Compute Module 4 Rev 1.0\x00": ModeTryboot,
		"":                                           ModeTryboot,
		"linux,dummy-virt":                           ModeTryboot,
		"Raspberry Pi 3 Model B Plus Rev 1.3":        ModeCounter,
		"Raspberry Pi 3 Model B Rev 1.2\x00":         ModeCounter,
		"Raspberry Pi Zero 2 W Rev 1.0":              ModeCounter,
		"Raspberry Pi Zero W Rev 1.1\n":              ModeCounter,
		"Raspberry Pi 2 Model B Rev 1.1":             ModeCounter,
		"Raspberry Pi Model B Plus Rev 1.2":          ModeCounter,
		"Raspberry Pi Compute Module 3 Plus Rev 1.0": ModeCounter,
		"Raspberry Pi Compute Module Rev 1.0\x00":    ModeCounter,
	} {
		if got := ModeFor(model); got != want {
			t.Errorf("ModeFor(%q) = %s, want %s", model, got, want)
		}
	}
}

// tree is every file under dir (slash paths) with its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range des {
		names = append(names, d.Name())
	}
	sort.Strings(names)
	return names
}

func TestInstallBoot(t *testing.T) {
	const cmdlineA = "console=serial0,115200 console=tty1 root=PARTUUID=1234abcd-02 rootfstype=ext4 rootwait rauc.slot=A\n"
	src := t.TempDir()
	files := map[string]string{
		"vmlinuz":                   "kernel",
		"initrd.img":                "initramfs",
		"bcm2711-rpi-4-b.dtb":       "dtb",
		"overlays/vc4-kms-v3d.dtbo": "overlay",
		"overlays/README":           "readme",
		CmdlineFile:                 "root=/dev/wrong rauc.slot=X\n", // replaced
	}
	for name, data := range files {
		writeFile(t, filepath.Join(src, name), data)
	}
	b := newBoot(t, ModeTryboot, A, configTxt)
	writeFile(t, b.path("a/"+CmdlineFile), cmdlineA)
	writeFile(t, b.path("a/vmlinuz"), "kernel A")
	writeFile(t, b.path("b/old-kernel"), "old")
	writeFile(t, b.path("b/overlays/old.dtbo"), "old")
	writeFile(t, b.path("b.new/half-copied"), "left by a power cut")

	if err := b.InstallBoot(src, B); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for name, data := range files {
		want[name] = data
	}
	want[CmdlineFile] = "console=serial0,115200 console=tty1 root=PARTUUID=1234abcd-03 rootfstype=ext4 rootwait rauc.slot=B\n"
	if got := tree(t, b.path("b")); !reflect.DeepEqual(got, want) {
		t.Errorf("b/:\n%v\nwant\n%v", got, want)
	}
	if got := tree(t, b.path("a")); !reflect.DeepEqual(got, map[string]string{CmdlineFile: cmdlineA, "vmlinuz": "kernel A"}) {
		t.Errorf("a/ changed: %v", got)
	}
	if got, want := entries(t, b.Dir), []string{"a", "b", ConfigFile}; !reflect.DeepEqual(got, want) {
		t.Errorf("boot partition: %v, want %v", got, want)
	}
	if got := file(t, b, ConfigFile); got != configTxt {
		t.Errorf("config.txt changed:\n%s", got)
	}

	if err := b.InstallBoot(src, A); err == nil || !strings.Contains(err.Error(), "running") {
		t.Errorf("install into the running slot: %v", err)
	}
	if got := tree(t, b.path("a")); len(got) != 2 || got["vmlinuz"] != "kernel A" {
		t.Errorf("a/ changed by the refused install: %v", got)
	}

	// From B, with no cmdline.txt in the source.
	onB := b.as(B)
	os.Remove(filepath.Join(src, CmdlineFile))
	if err := onB.InstallBoot(src, A); err != nil {
		t.Fatal(err)
	}
	if got := file(t, onB, "a/"+CmdlineFile); got != cmdlineA {
		t.Errorf("a/cmdline.txt made on B: %q", got)
	}
	if got := file(t, onB, "a/vmlinuz"); got != "kernel" {
		t.Errorf("a/vmlinuz: %q", got)
	}
}

func TestInstallBootRefuses(t *testing.T) {
	const cmdlineA = "root=PARTUUID=1234abcd-02 rootwait rauc.slot=A\n"
	setup := func(t *testing.T) (*Boot, string) {
		b := newBoot(t, ModeTryboot, A, configTxt)
		writeFile(t, b.path("a/"+CmdlineFile), cmdlineA)
		writeFile(t, b.path("b/vmlinuz"), "old B")
		src := t.TempDir()
		writeFile(t, filepath.Join(src, "vmlinuz"), "new B")
		writeFile(t, filepath.Join(src, "overlays/x.dtbo"), "x")
		return b, src
	}
	unchanged := func(t *testing.T, b *Boot) {
		t.Helper()
		if got := tree(t, b.path("b")); !reflect.DeepEqual(got, map[string]string{"vmlinuz": "old B"}) {
			t.Errorf("b/ changed: %v", got)
		}
	}
	t.Run("symlink", func(t *testing.T) {
		b, src := setup(t)
		if err := os.Symlink("/etc/passwd", filepath.Join(src, "overlays/link.dtbo")); err != nil {
			t.Fatal(err)
		}
		if err := b.InstallBoot(src, B); err == nil || !strings.Contains(err.Error(), "link.dtbo") {
			t.Errorf("a source with a link: %v", err)
		}
		unchanged(t, b)
	})
	t.Run("linked source", func(t *testing.T) {
		b, src := setup(t)
		link := filepath.Join(t.TempDir(), "boot")
		if err := os.Symlink(src, link); err != nil {
			t.Fatal(err)
		}
		if err := b.InstallBoot(link, B); err == nil {
			t.Error("a source that is a link was followed")
		}
		unchanged(t, b)
	})
	t.Run("no source", func(t *testing.T) {
		b, _ := setup(t)
		if err := b.InstallBoot(filepath.Join(b.Dir, "nothing"), B); err == nil {
			t.Error("a missing source was accepted")
		}
		unchanged(t, b)
	})
	t.Run("bad cmdline", func(t *testing.T) {
		b, src := setup(t)
		writeFile(t, b.path("a/"+CmdlineFile), "root=/dev/mmcblk0p2 rootwait\n")
		if err := b.InstallBoot(src, B); err == nil {
			t.Error("a running command line without root=PARTUUID= was accepted")
		}
		unchanged(t, b)
	})
	t.Run("no cmdline", func(t *testing.T) {
		b, src := setup(t)
		os.Remove(b.path("a/" + CmdlineFile))
		if err := b.InstallBoot(src, B); err == nil || !strings.Contains(err.Error(), "command line") {
			t.Errorf("no running command line: %v", err)
		}
		unchanged(t, b)
	})
}

func FuzzParseTry(f *testing.F) {
	for _, s := range []string{"to=B from=A boots=0\n", "to=a from=b boots=1000", "boots=3 from=A to=B", "to=B from=B boots=0",
		"to=B from=A boots=-1", "to=B", "x", "to=B from=A boots=+1", "to=B from=A boots=0x1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := parseTry(in)
		if err != nil {
			return
		}
		if (got.To != A && got.To != B) || got.To.Other() != got.From || got.Boots < 0 || got.Boots > 1000 {
			t.Fatalf("parseTry(%q) = %+v", in, got)
		}
		again, err := parseTry([]byte(got.String()))
		if err != nil || again != got {
			t.Fatalf("parseTry(%q) = %+v, which as %q reads back as %+v, %v", in, got, got.String(), again, err)
		}
	})
}

func FuzzSlotCmdline(f *testing.F) {
	for _, s := range []string{
		"console=serial0,115200 console=tty1 root=PARTUUID=1234abcd-02 rootfstype=ext4 rootwait rauc.slot=A\n",
		"root=PARTUUID=1234abcd-03", "root=PARTUUID=1234abcd", "rauc.slot=B root=PARTUUID=ffffffff-02 quiet",
		"", "root=/dev/mmcblk0p2",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, toB bool) {
		s := A
		if toB {
			s = B
		}
		out, err := SlotCmdline(in, s)
		if err != nil {
			return
		}
		var slots, roots int
		for _, w := range strings.Fields(out) {
			if strings.HasPrefix(w, "rauc.slot=") {
				slots++
				if w != "rauc.slot="+string(s) {
					t.Errorf("SlotCmdline(%q, %s) = %q: word %q", in, s, out, w)
				}
			}
			if id, ok := strings.CutPrefix(w, "root=PARTUUID="); ok {
				roots++
				if !strings.HasSuffix(id, fmt.Sprintf("-%02d", s.Partition())) || len(id) != 11 {
					t.Errorf("SlotCmdline(%q, %s) = %q: root %q", in, s, out, w)
				}
			}
		}
		if slots != 1 || roots == 0 || !strings.HasSuffix(out, "\n") {
			t.Errorf("SlotCmdline(%q, %s) = %q: %d rauc.slot=, %d root=PARTUUID=", in, s, out, slots, roots)
		}
		if cur, err := CurrentFromCmdline(out); err != nil || cur != s {
			t.Errorf("CurrentFromCmdline(%q) = %s, %v", out, cur, err)
		}
	})
}

// In ModeCounter config.txt names the slot being tried, so the fallback of
// a second SetPrimary is the try's From: setting the tried slot again
// keeps the try (no commit without confirmation), and setting the old slot
// abandons it (config.txt back, files removed).
func TestSetPrimaryCounterTwice(t *testing.T) {
	b := newBoot(t, ModeCounter, A, configTxt)
	if err := b.SetPrimary(B); err != nil {
		t.Fatal(err)
	}
	if err := b.SetPrimary(B); err != nil {
		t.Fatal(err)
	}
	if tr, err := b.Pending(); err != nil || tr == nil || *tr != (Try{To: B, From: A}) {
		t.Fatalf("after set-primary B twice: try %+v %v, want to=B from=A", tr, err)
	}
	if err := b.SetPrimary(A); err != nil {
		t.Fatal(err)
	}
	if tr, err := b.Pending(); err != nil || tr != nil {
		t.Fatalf("set-primary A during a try of B: try %+v %v, want none", tr, err)
	}
	if c, err := b.Committed(); err != nil || c != A {
		t.Fatalf("set-primary A during a try of B: committed %s %v, want A", c, err)
	}
}
