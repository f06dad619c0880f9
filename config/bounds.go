package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/skoip/skoip/media/wav"
)

// Bounds on a configuration file, checked before its text reaches the TOML
// decoder (github.com/BurntSushi/toml), which allocates tens to hundreds of
// times the size of hostile input: a 20 KB file holding one key of 10,000
// dotted parts took 7.8 s and 4 GB there, one inline table nested 30,000
// deep in 256 KB ran out of memory. Within these bounds the worst input
// measured (64 KiB of inline tables 4 deep) costs 77 ms and 19 MB of
// allocations per decode. The documented defaults (skoip.toml) are 7.4 KB,
// with lines of at most 103 bytes, keys of at most 3 parts and values
// nested at most 2 deep.
const (
	// MaxFileSize is the largest configuration file read: 64 KiB.
	MaxFileSize = 64 << 10
	// MaxLineLength bounds a line, and so a one-line value.
	MaxLineLength = 4096
	// MaxKeyParts bounds the parts of a dotted key or table name
	// ("sip.account.registrar" has 3, the most that SKOIP's keys have).
	MaxKeyParts = 4
	// MaxNesting bounds how deep arrays and inline tables nest
	// (buttons = [{ name = "call" }] is 2 deep).
	MaxNesting = 4
)

// readFile reads the configuration file at path: a regular file of at most
// MaxFileSize bytes. It never blocks: path is opened with O_NONBLOCK, so a
// FIFO is refused (after fstat) rather than waited on, and a device such as
// /dev/zero is refused before anything is read.
func readFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read: %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	switch {
	case err != nil:
		return nil, fmt.Errorf("cannot read: %v", err)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("cannot read: not a regular file (%s)", wav.FileKind(st.Mode()))
	case st.Size() > MaxFileSize:
		return nil, fmt.Errorf("%d bytes, over the limit of %d (64 KiB) for a configuration file", st.Size(), MaxFileSize)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("cannot read: %v", err)
	case len(b) > MaxFileSize:
		return nil, fmt.Errorf("grew past the limit of %d bytes (64 KiB) while read", MaxFileSize)
	}
	return b, nil
}
