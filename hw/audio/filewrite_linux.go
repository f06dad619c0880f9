//go:build linux

package audio

import (
	"io"
	"os"
	"syscall"
	"unsafe"
)

// fileWriter writes to f with raw write(2) calls. A write through the os
// package enters the Go scheduler's system call path, which wakes the
// runtime's sysmon thread for a millisecond of polling: four times a
// second that was a third of a file-backed call's context switches. The
// writes are a few KiB into the page cache, made on the pacing goroutine;
// a disk that throttles writeback could stall that goroutine, which is
// acceptable for this test and development backend.
func fileWriter(f *os.File) io.Writer {
	rc, err := f.SyscallConn()
	if err != nil {
		return f
	}
	var fd uintptr
	if rc.Control(func(d uintptr) { fd = d }) != nil {
		return f
	}
	return &rawFile{f: f, fd: fd}
}

type rawFile struct {
	f  *os.File // keeps fd open
	fd uintptr
}

func (w *rawFile) Write(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, w.fd, uintptr(unsafe.Pointer(&p[done])), uintptr(len(p)-done))
		switch {
		case e == syscall.EINTR:
			continue
		case e != 0:
			return done, &os.PathError{Op: "write", Path: w.f.Name(), Err: e}
		case n == 0:
			return done, io.ErrShortWrite
		}
		done += int(n)
	}
	return done, nil
}
