package wav

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// MaxFileSize bounds the WAV files Open accepts: 32 MiB, more than a
// minute of 48 kHz stereo 32-bit audio (23 MB).
const MaxFileSize = 32 << 20

// File is an open, validated WAV file.
type File struct {
	*Reader
	f *os.File
}

// Open opens the WAV file at path and validates its structure against its
// real size: a regular file of at most MaxFileSize bytes, whose chunks all
// fit in it. It never blocks: a FIFO or a device is refused before anything
// is read from it. Errors are *Error values that name the file.
func Open(path string) (*File, error) {
	f, st, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	r, err := NewReader(f, st.Size())
	if err != nil {
		_ = f.Close() // read-only: nothing to lose; NewReader's error is the one to report
		return nil, named(path, err)
	}
	return &File{Reader: r, f: f}, nil
}

// openRegular opens path without blocking (O_NONBLOCK: opening a FIFO
// waits for a writer otherwise) and accepts only a regular file of at most
// MaxFileSize bytes.
func openRegular(path string) (*os.File, os.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, nil, &Error{Path: path, Msg: fmt.Sprintf("cannot open: %v", err), Err: err}
	}
	st, err := f.Stat()
	switch {
	case err != nil:
		err = &Error{Path: path, Msg: fmt.Sprintf("cannot stat: %v", err), Err: err}
	case !st.Mode().IsRegular():
		err = &Error{Path: path, Msg: fmt.Sprintf("not a regular file (%s)", FileKind(st.Mode())), Err: ErrNotWAV}
	case st.Size() > MaxFileSize:
		err = &Error{Path: path, Msg: fmt.Sprintf("%d bytes, over the limit of %d (32 MiB)", st.Size(), MaxFileSize), Err: ErrTooLarge}
	}
	if err != nil {
		_ = f.Close() // read-only: nothing to lose; err says why the file is refused
		return nil, nil, err
	}
	return f, st, nil
}

// FileKind names a file type in words ("a named pipe", "a device"...), for
// errors about files that are not regular.
func FileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}

// Info describes the open file (for os.SameFile).
func (f *File) Info() (os.FileInfo, error) { return f.f.Stat() }

// Name returns the path the file was opened with.
func (f *File) Name() string { return f.f.Name() }

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }

// ReadAll decodes the file at rate Hz (see Reader.ReadAll); errors name
// the file.
func (f *File) ReadAll(rate int) ([]int16, error) {
	s, err := f.Reader.ReadAll(rate)
	if err != nil {
		return nil, named(f.Name(), err)
	}
	return s, nil
}

// ReadFile opens, validates and decodes the WAV file at path at its own
// rate. Errors name the file.
func ReadFile(path string) (*Audio, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := f.ReadAll(f.format.Rate)
	if err != nil {
		return nil, err
	}
	return &Audio{Format: f.format, Rate: f.format.Rate, Samples: s}, nil
}
