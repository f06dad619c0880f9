//go:build !linux

package audio

import (
	"io"
	"os"
)

// fileWriter is f itself; on Linux it is raw write(2) calls.
func fileWriter(f *os.File) io.Writer { return f }
