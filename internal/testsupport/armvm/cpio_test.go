package armvm

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// One file "a" holding "hi!", then the trailer, field by field.
func TestCPIOVector(t *testing.T) {
	var b bytes.Buffer
	w := newCPIOWriter(&b)
	if err := w.WriteFile("/a", 0o640, 3, strings.NewReader("hi!")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "070701" + // magic
		"00000001" + // inode
		"000081a0" + // mode: regular file (0100000), 0640
		"00000000" + "00000000" + // uid, gid
		"00000001" + // links
		"00000000" + // mtime
		"00000003" + // file size
		"00000000" + "00000000" + // device major, minor
		"00000000" + "00000000" + // rdev major, minor
		"00000002" + // name size: "a" and its NUL
		"00000000" + // checksum
		"a\x00" + // 110+2 bytes: a multiple of 4
		"hi!\x00" + // data padded to 4
		"070701" + "00000002" + "00000000" + "00000000" + "00000000" + "00000001" + "00000000" +
		"00000000" + "00000000" + "00000000" + "00000000" + "00000000" + "0000000b" + "00000000" +
		"TRAILER!!!\x00" + "\x00\x00\x00" // 110+11 bytes, padded to 124
	if got := b.String(); got != want {
		t.Errorf("archive:\n got %q\nwant %q", got, want)
	}
}

// cpioEntry is one entry as read back.
type cpioEntry struct {
	name         string
	mode         uint32
	ino, nlink   uint32
	rmaj, rmin   uint32
	data         string
	mtime, owner uint32
}

// readCPIO parses a newc archive up to its trailer, checking the magic,
// the padding and that nothing follows the trailer.
func readCPIO(b []byte) ([]cpioEntry, error) {
	var out []cpioEntry
	off := 0
	for {
		if len(b)-off < cpioHeaderSize {
			return nil, fmt.Errorf("offset %d: short header", off)
		}
		h := string(b[off : off+cpioHeaderSize])
		if h[:6] != cpioMagic {
			return nil, fmt.Errorf("offset %d: magic %q", off, h[:6])
		}
		var f [13]uint32
		for i := range f {
			v, err := strconv.ParseUint(h[6+8*i:14+8*i], 16, 32)
			if err != nil {
				return nil, fmt.Errorf("offset %d field %d: %w", off, i, err)
			}
			f[i] = uint32(v)
		}
		nameEnd := off + cpioHeaderSize + int(f[11])
		dataOff := nameEnd + cpioPad(cpioHeaderSize+int(f[11]))
		end := dataOff + int(f[6])
		if f[11] == 0 || end+cpioPad(int(f[6])) > len(b) || b[nameEnd-1] != 0 {
			return nil, fmt.Errorf("offset %d: name size %d, file size %d past the end", off, f[11], f[6])
		}
		if !allZero(b[nameEnd:dataOff]) || !allZero(b[end:end+cpioPad(int(f[6]))]) {
			return nil, fmt.Errorf("offset %d: padding is not NULs", off)
		}
		e := cpioEntry{
			name: string(b[off+cpioHeaderSize : nameEnd-1]), ino: f[0], mode: f[1], nlink: f[4],
			mtime: f[5], owner: f[2] | f[3] | f[7] | f[8] | f[12], rmaj: f[9], rmin: f[10],
			data: string(b[dataOff:end]),
		}
		off = end + cpioPad(int(f[6]))
		if e.name == cpioTrailer {
			if off != len(b) {
				return nil, fmt.Errorf("%d bytes after the trailer", len(b)-off)
			}
			return out, nil
		}
		out = append(out, e)
	}
}

func allZero(b []byte) bool { return bytes.Count(b, []byte{0}) == len(b) }

// archive is a small initramfs with every kind of entry: implied and
// explicit directories, files whose sizes need 0 to 3 bytes of padding,
// an executable, a device node.
func archive(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	w := newCPIOWriter(&b)
	steps := []error{
		w.Mkdir("/tmp", 0o1777|fs.ModeSticky),
		w.WriteFile("/init", 0o755, 5, strings.NewReader("12345")),
		w.WriteFile("/lib/modules/x/snd.ko", 0o644, 6, strings.NewReader("abcdef")),
		w.WriteFile("/lib/modules/x/y.ko", 0o644, 7, strings.NewReader("abcdefg")),
		w.WriteFile("/lib/modules/z", 0o600, 0, strings.NewReader("")),
		w.Mkdir("/lib", 0o755), // already there: no second entry
		w.CharDev("/dev/console", 0o600, 5, 1),
		w.Close(),
	}
	if err := errors.Join(steps...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var archiveWant = []cpioEntry{
	{name: "tmp", mode: modeDir | 0o1777, nlink: 2},
	{name: "init", mode: modeReg | 0o755, nlink: 1, data: "12345"},
	{name: "lib", mode: modeDir | 0o755, nlink: 2},
	{name: "lib/modules", mode: modeDir | 0o755, nlink: 2},
	{name: "lib/modules/x", mode: modeDir | 0o755, nlink: 2},
	{name: "lib/modules/x/snd.ko", mode: modeReg | 0o644, nlink: 1, data: "abcdef"},
	{name: "lib/modules/x/y.ko", mode: modeReg | 0o644, nlink: 1, data: "abcdefg"},
	{name: "lib/modules/z", mode: modeReg | 0o600, nlink: 1},
	{name: "dev", mode: modeDir | 0o755, nlink: 2},
	{name: "dev/console", mode: modeChar | 0o600, nlink: 1, rmaj: 5, rmin: 1},
}

func TestCPIORoundTrip(t *testing.T) {
	got, err := readCPIO(archive(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(archiveWant) {
		t.Fatalf("%d entries, want %d: %+v", len(got), len(archiveWant), got)
	}
	for i, g := range got {
		w := archiveWant[i]
		w.ino = uint32(i + 1)
		if g != w {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// GNU cpio reads the archive the same way (when Debian's cpio is there).
func TestCPIOWithGNUCpio(t *testing.T) {
	if _, err := exec.LookPath("cpio"); err != nil {
		t.Skip("cpio not installed (Debian package cpio); TestCPIORoundTrip covers the format")
	}
	cmd := exec.Command("cpio", "-t", "-v", "--quiet")
	cmd.Stdin = bytes.NewReader(archive(t))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cpio -t: %v\n%s", err, out)
	}
	var names []string
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		names = append(names, f[0]+" "+f[len(f)-1])
	}
	want := []string{
		"drwxrwxrwt tmp", "-rwxr-xr-x init", "drwxr-xr-x lib", "drwxr-xr-x lib/modules",
		"drwxr-xr-x lib/modules/x", "-rw-r--r-- lib/modules/x/snd.ko", "-rw-r--r-- lib/modules/x/y.ko",
		"-rw------- lib/modules/z", "drwxr-xr-x dev", "crw------- dev/console",
	}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Errorf("cpio -tv:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}

	dir := t.TempDir()
	cmd = exec.Command("cpio", "-i", "-d", "--quiet", "--no-absolute-filenames", "--nonmatching", "dev/console")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(archive(t))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cpio -i: %v\n%s", err, out)
	}
	for name, data := range map[string]string{"init": "12345", "lib/modules/x/y.ko": "abcdefg", "lib/modules/z": ""} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(b) != data {
			t.Errorf("%s: %q, %v; want %q", name, b, err, data)
		}
	}
}

func TestCPIOBadNames(t *testing.T) {
	w := newCPIOWriter(&bytes.Buffer{})
	for _, n := range []string{"", "/", "a//b", "a/../b", "../a", "..", "TRAILER!!!", "a/"} {
		if err := w.WriteFile(n, 0o644, 0, nil); !errors.Is(err, errCPIOName) {
			t.Errorf("WriteFile(%q): %v, want errCPIOName", n, err)
		}
	}
}
