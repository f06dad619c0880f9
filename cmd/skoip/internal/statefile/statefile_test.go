package statefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWriteAtomicAndRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	path := filepath.Join(dir, "f")
	if _, err := ReadRegular(path, 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if err := WriteAtomic(path, []byte("hello"), 0o640); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v %v", st, err)
	}
	if b, err := ReadRegular(path, 5); string(b) != "hello" || err != nil {
		t.Errorf("read %q %v", b, err)
	}
	if _, err := ReadRegular(path, 4); err == nil || !strings.Contains(err.Error(), "larger than 4") {
		t.Errorf("bound: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	if _, err := ReadRegular(dir, 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a folder: %v", err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadRegular(fifo, 10); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("a FIFO: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a FIFO blocked")
	}
	if _, err := ReadRegular("/dev/zero", 10); !errors.Is(err, ErrNotRegular) {
		t.Errorf("/dev/zero: %v", err)
	}
}

// ReadOwnRegular does not follow a link; ReadRegular does.
func TestReadOwnRegularRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	secret, link := filepath.Join(dir, "secret"), filepath.Join(dir, "link")
	if err := os.WriteFile(secret, []byte("root:x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, link); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadOwnRegular(link, 100); !errors.Is(err, syscall.ELOOP) || b != nil {
		t.Errorf("through a link: %q, %v", b, err)
	}
	if b, err := ReadOwnRegular(secret, 100); err != nil || string(b) != "root:x" {
		t.Errorf("the file itself: %q, %v", b, err)
	}
	if b, err := ReadRegular(link, 100); err != nil || string(b) != "root:x" {
		t.Errorf("ReadRegular through a link: %q, %v", b, err)
	}
}
