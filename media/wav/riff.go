package wav

import (
	"encoding/binary"
	"fmt"
	"io"
)

// maxChunks bounds the chunks read before the data chunk: real files have
// a handful (fmt, fact, LIST, bext, cue); a file of empty chunks would
// otherwise cost one read per 8 bytes.
const maxChunks = 64

// layout is where a validated file keeps its samples.
type layout struct {
	format  Format
	dataOff int64 // offset of the first sample
	frames  int64 // whole frames in the data chunk
}

// parse walks the RIFF chunks of the size bytes of r and returns the
// validated format and where the samples are. Every size it reads is
// checked against size, the real length, before anything is read or
// allocated, so a header that declares 4 GB costs nothing.
func parse(r io.ReaderAt, size int64) (layout, error) {
	var hdr [12]byte
	if size < 12 || readAt(r, hdr[:], 0) != nil || string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return layout{}, fail(ErrNotWAV, "not a WAV file (no RIFF/WAVE header)")
	}
	var (
		l     layout
		hasFm bool
	)
	off := int64(12)
	for i := 0; ; i++ {
		if i == maxChunks {
			return layout{}, fail(ErrCorrupt, fmt.Sprintf("more than %d chunks before the data chunk", maxChunks))
		}
		var ch [8]byte
		if off+8 > size || readAt(r, ch[:], off) != nil {
			if hasFm {
				return layout{}, fail(ErrTruncated, "truncated file: no data chunk")
			}
			return layout{}, fail(ErrTruncated, "truncated file: no fmt chunk")
		}
		id, n := string(ch[:4]), int64(binary.LittleEndian.Uint32(ch[4:]))
		body, left := off+8, size-off-8
		if n > left && !(id == "data" && hasFm) {
			return layout{}, fail(ErrTruncated, fmt.Sprintf("%q chunk at byte %d declares %d bytes, only %d follow (truncated file)", id, off, n, left))
		}
		switch {
		case id == "fmt " && hasFm:
			return layout{}, fail(ErrCorrupt, fmt.Sprintf("second fmt chunk at byte %d", off))
		case id == "fmt ":
			f, err := readFormat(r, body, n)
			if err != nil {
				return layout{}, err
			}
			l.format, hasFm = f, true
		case id == "data" && !hasFm:
			return layout{}, fail(ErrCorrupt, fmt.Sprintf("data chunk at byte %d before any fmt chunk", off))
		case id == "data":
			return dataChunk(l.format, off, n, left)
		}
		off = body + n + n&1 // chunks are padded to even sizes
	}
}

func readFormat(r io.ReaderAt, off, n int64) (Format, error) {
	if n > maxFmtSize {
		return Format{}, fail(ErrCorrupt, fmt.Sprintf("fmt chunk of %d bytes (at most %d)", n, maxFmtSize))
	}
	b := make([]byte, n)
	if err := readAt(r, b, off); err != nil {
		return Format{}, fail(ErrTruncated, fmt.Sprintf("fmt chunk: %v", err))
	}
	return parseFormat(b)
}

// dataChunk checks the data chunk at off, of n bytes declared and left in
// the file, against the format.
func dataChunk(f Format, off, n, left int64) (layout, error) {
	switch {
	case n == 0:
		return layout{}, fail(ErrNoSamples, fmt.Sprintf("no audio (empty data chunk at byte %d)", off))
	case n > left:
		return layout{}, fail(ErrTruncated, fmt.Sprintf("data chunk at byte %d declares %d bytes, only %d follow (truncated file)", off, n, left))
	case n%int64(f.BlockAlign) != 0:
		return layout{}, fail(ErrCorrupt, fmt.Sprintf("data chunk of %d bytes is not a whole number of %d-byte frames", n, f.BlockAlign))
	}
	return layout{format: f, dataOff: off + 8, frames: n / int64(f.BlockAlign)}, nil
}

// readAt fills b from off; a short read is an error.
func readAt(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}
