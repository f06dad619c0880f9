package wav

import (
	"encoding/binary"
	"fmt"
)

// parse walks the RIFF chunks of a whole file held in b and returns its
// validated format and the bytes of its data chunk. Every step moves
// forward by at least 8 bytes, so it ends on any input.
func parse(b []byte) (Format, []byte, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return Format{}, nil, fmt.Errorf("no RIFF/WAVE header in the first 12 bytes: %w", ErrNotWAV)
	}
	var (
		f      Format
		haveFm bool
	)
	for off := 12; ; {
		if off+8 > len(b) {
			if haveFm {
				return Format{}, nil, fmt.Errorf("no data chunk: %w", ErrCorrupt)
			}
			return Format{}, nil, fmt.Errorf("no fmt chunk: %w", ErrCorrupt)
		}
		id := string(b[off : off+4])
		size := int64(binary.LittleEndian.Uint32(b[off+4:]))
		body := int64(off + 8)
		switch {
		case id == "fmt " && body+size > int64(len(b)):
			return Format{}, nil, fmt.Errorf("fmt chunk at byte %d declares %d bytes, %d remain: %w",
				off, size, int64(len(b))-body, ErrTruncated)
		case id == "fmt ":
			var err error
			if f, err = parseFormat(b[body : body+size]); err != nil {
				return Format{}, nil, err
			}
			haveFm = true
		case id == "data" && !haveFm:
			return Format{}, nil, fmt.Errorf("data chunk at byte %d before any fmt chunk: %w", off, ErrCorrupt)
		case id == "data":
			data, err := dataChunk(b, off, size, f)
			return f, data, err
		}
		next := body + size + size&1 // chunks are padded to even sizes
		if next > int64(len(b)) {
			return Format{}, nil, fmt.Errorf("%q chunk at byte %d declares %d bytes, %d remain: %w",
				id, off, size, int64(len(b))-body, ErrTruncated)
		}
		off = int(next)
	}
}

// dataChunk checks the data chunk at off against the file and the format.
func dataChunk(b []byte, off int, size int64, f Format) ([]byte, error) {
	body := int64(off + 8)
	if size == 0 {
		return nil, fmt.Errorf("data chunk at byte %d is empty: %w", off, ErrNoSamples)
	}
	if body+size > int64(len(b)) {
		return nil, fmt.Errorf("data chunk at byte %d declares %d bytes, only %d follow: %w",
			off, size, int64(len(b))-body, ErrTruncated)
	}
	if size%int64(f.BlockAlign) != 0 {
		return nil, fmt.Errorf("data chunk of %d bytes is not a whole number of %d-byte frames: %w",
			size, f.BlockAlign, ErrTruncated)
	}
	return b[body : body+size], nil
}
