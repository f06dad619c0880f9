//go:build linux

package audio

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The raw writer writes everything, and reports the error of a full disk.
func TestFileWriterRaw(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := fileWriter(f)
	if _, ok := w.(*rawFile); !ok {
		t.Fatalf("fileWriter gave %T", w)
	}
	data := make([]byte, 100000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	if n, err := w.Write(data); n != len(data) || err != nil {
		t.Fatalf("wrote %d, %v", n, err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != string(data) {
		t.Fatalf("read back %d bytes (%v), want the %d written", len(got), err, len(data))
	}

	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full here: %v", err)
	}
	defer full.Close()
	if _, err := fileWriter(full).Write([]byte{1}); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("write to /dev/full: %v, want ENOSPC", err)
	}
}
