package armvm

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// cpioWriter writes the "newc" format of cpio (magic 070701), the one the
// kernel unpacks as an initramfs. Each entry is a 110-byte header of
// ASCII: the magic and 13 fields of 8 hex digits (inode, mode, uid, gid,
// link count, mtime, file size, device major and minor, rdev major and
// minor, name size with its NUL, checksum), then the name and a NUL,
// padded with NULs to a multiple of 4 bytes, then the data, padded the
// same. A last entry named "TRAILER!!!" ends the archive.
//
// Entries are owned by root with mtime 0 (the same input gives the same
// archive). Each gets an inode number of its own, so the kernel links
// none of them together. The parents of an entry are written before it
// (mode 0755) unless already written.
type cpioWriter struct {
	w    io.Writer
	ino  uint32
	dirs map[string]bool
}

const (
	cpioMagic      = "070701"
	cpioHeaderSize = 110
	cpioTrailer    = "TRAILER!!!"

	// File types in the mode field, as in stat(2).
	modeDir  = 0o040000
	modeReg  = 0o100000
	modeChar = 0o020000
)

var errCPIOName = errors.New("cpio: bad entry name")

func newCPIOWriter(w io.Writer) *cpioWriter {
	return &cpioWriter{w: w, dirs: map[string]bool{}}
}

// Mkdir writes the directory name (a slash-separated path; a leading
// slash is dropped) and its missing parents.
func (c *cpioWriter) Mkdir(name string, perm fs.FileMode) error {
	name, err := cpioName(name)
	if err != nil {
		return err
	}
	if c.dirs[name] {
		return nil
	}
	if err := c.parents(name); err != nil {
		return err
	}
	c.dirs[name] = true
	return c.entry(name, modeDir|cpioPerm(perm), 2, 0, 0, 0, nil)
}

// WriteFile writes the regular file name with size bytes read from r.
func (c *cpioWriter) WriteFile(name string, perm fs.FileMode, size int64, r io.Reader) error {
	name, err := cpioName(name)
	if err != nil {
		return err
	}
	if err := c.parents(name); err != nil {
		return err
	}
	return c.entry(name, modeReg|cpioPerm(perm), 1, size, 0, 0, r)
}

// CharDev writes the character device node name (major, minor).
func (c *cpioWriter) CharDev(name string, perm fs.FileMode, major, minor uint32) error {
	name, err := cpioName(name)
	if err != nil {
		return err
	}
	if err := c.parents(name); err != nil {
		return err
	}
	return c.entry(name, modeChar|cpioPerm(perm), 1, 0, major, minor, nil)
}

// Close writes the trailer; it does not close the underlying writer.
func (c *cpioWriter) Close() error {
	return c.entry(cpioTrailer, 0, 1, 0, 0, 0, nil)
}

func (c *cpioWriter) parents(name string) error {
	if dir := path.Dir(name); dir != "." {
		return c.Mkdir(dir, 0o755)
	}
	return nil
}

func (c *cpioWriter) entry(name string, mode, nlink uint32, size int64, rmajor, rminor uint32, r io.Reader) error {
	if size < 0 || size > 0xffffffff {
		return fmt.Errorf("cpio: %s: size %d does not fit the header", name, size)
	}
	c.ino++
	fields := []uint32{
		c.ino, mode, 0, 0, nlink, 0, uint32(size),
		0, 0, rmajor, rminor, uint32(len(name) + 1), 0,
	}
	var h strings.Builder
	h.WriteString(cpioMagic)
	for _, f := range fields {
		fmt.Fprintf(&h, "%08x", f)
	}
	h.WriteString(name)
	h.WriteByte(0)
	h.Write(make([]byte, cpioPad(h.Len())))
	if _, err := io.WriteString(c.w, h.String()); err != nil {
		return err
	}
	if size == 0 {
		return nil
	}
	n, err := io.CopyN(c.w, r, size)
	if err != nil {
		return fmt.Errorf("cpio: %s: %d of %d bytes: %w", name, n, size, err)
	}
	_, err = c.w.Write(make([]byte, cpioPad(int(size))))
	return err
}

// cpioPad is how many NULs bring n to a multiple of 4.
func cpioPad(n int) int { return (4 - n%4) % 4 }

// cpioPerm is the permission bits of perm (with setuid, setgid and
// sticky) as in stat(2).
func cpioPerm(perm fs.FileMode) uint32 {
	m := uint32(perm.Perm())
	if perm&fs.ModeSetuid != 0 {
		m |= 0o4000
	}
	if perm&fs.ModeSetgid != 0 {
		m |= 0o2000
	}
	if perm&fs.ModeSticky != 0 {
		m |= 0o1000
	}
	return m
}

// cpioName is name without a leading slash; it must be a clean relative
// path once that is gone.
func cpioName(name string) (string, error) {
	n := strings.TrimPrefix(name, "/")
	if n == "" || n != path.Clean(n) || n == cpioTrailer || strings.HasPrefix(n, "../") || n == ".." {
		return "", fmt.Errorf("%w: %q", errCPIOName, name)
	}
	return n, nil
}
