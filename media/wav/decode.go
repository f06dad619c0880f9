package wav

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/skoip/skoip/media/dsp"
)

// readFrames is how many frames Read converts per read of the file: 8 KiB
// of 32-bit stereo.
const readFrames = 1024

// Reader decodes the samples of a validated WAV file, mixed down to mono.
// Its structure was checked when it was made, so reading fails only if the
// file cannot be read (or shrank since).
type Reader struct {
	format Format
	frames int64 // in the data chunk
	data   *io.SectionReader
	left   int64 // frames not yet read
	buf    []byte
}

// NewReader validates the WAV file held in the size bytes of r.
func NewReader(r io.ReaderAt, size int64) (*Reader, error) {
	l, err := parse(r, size)
	if err != nil {
		return nil, err
	}
	return &Reader{
		format: l.format,
		frames: l.frames,
		data:   io.NewSectionReader(r, l.dataOff, l.frames*int64(l.format.BlockAlign)),
		left:   l.frames,
	}, nil
}

// Format returns the file's format as stored.
func (r *Reader) Format() Format { return r.format }

// Frames returns the number of frames (samples per channel) in the file.
func (r *Reader) Frames() int64 { return r.frames }

// Duration returns how long the file plays.
func (r *Reader) Duration() time.Duration {
	return time.Duration(r.frames * int64(time.Second) / int64(r.format.Rate))
}

// Read decodes up to len(dst) frames into dst as mono samples (channels
// averaged) and returns how many; io.EOF once every frame has been read.
func (r *Reader) Read(dst []int16) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(dst)), r.left, readFrames))
	ba := r.format.BlockAlign
	if r.buf == nil {
		r.buf = make([]byte, readFrames*ba)
	}
	b := r.buf[:n*ba]
	if _, err := io.ReadFull(r.data, b); err != nil {
		return 0, fail(ErrTruncated, fmt.Sprintf("reading samples: %v (the file changed while read?)", err))
	}
	convert(dst[:n], b, r.format)
	r.left -= int64(n)
	return n, nil
}

// convert decodes whole frames of b into dst, one mono sample per frame.
// Each sample keeps its top 16 bits; 8-bit WAV is unsigned.
func convert(dst []int16, b []byte, f Format) {
	step := f.BitsPerSam / 8
	for i := range dst {
		sum := 0
		for c := 0; c < f.Channels; c++ {
			p := b[(i*f.Channels+c)*step:]
			if step == 1 {
				sum += (int(p[0]) - 128) << 8
			} else {
				sum += int(int16(binary.LittleEndian.Uint16(p[step-2:])))
			}
		}
		dst[i] = int16(sum / f.Channels)
	}
}

// ReadAll decodes every frame not yet read, converted to rate Hz. The
// result is allocated once, at its final size (plus the resampler's delay,
// a few milliseconds); the file is read 1024 frames at a time.
func (r *Reader) ReadAll(rate int) ([]int16, error) {
	from := r.format.Rate
	if rate == from {
		out := make([]int16, r.left)
		for n := 0; n < len(out); {
			k, err := r.Read(out[n:])
			if err != nil {
				return nil, err
			}
			n += k
		}
		return out, nil
	}
	rs, err := dsp.NewResampler(from, rate)
	if err != nil {
		return nil, fail(ErrUnsupported, fmt.Sprintf("cannot convert %d Hz to %d Hz: %v", from, rate, err))
	}
	return r.resample(rs)
}

// resample runs the rest of the file through rs, compensating the filter's
// delay so that the output starts with the input and has the same
// duration.
func (r *Reader) resample(rs *dsp.Resampler) ([]int16, error) {
	from, to := int64(rs.InRate()), int64(rs.OutRate())
	want := int((r.left*to + from - 1) / from)
	lead := int(math.Round(rs.Delay().Seconds() * float64(to)))
	in := make([]int16, readFrames)
	out := make([]int16, 0, want+lead+2*rs.MaxOut(readFrames))
	for {
		n, err := r.Read(in)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		out = rs.Process(out, in[:n])
	}
	clear(in)
	for len(out) < want+lead {
		out = rs.Process(out, in[:min(readFrames, int(from)/100+1)]) // flush the filter's tail
	}
	return out[lead : want+lead : want+lead], nil
}

// Audio is a decoded file, mixed down to mono.
type Audio struct {
	Format  Format  // the file's format as stored
	Rate    int     // sample rate of Samples, Hz
	Samples []int16 // mono
}

// Decode validates and decodes a whole WAV file held in b, at its own rate.
func Decode(b []byte) (*Audio, error) {
	r, err := NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	s, err := r.ReadAll(r.format.Rate)
	if err != nil {
		return nil, err
	}
	return &Audio{Format: r.format, Rate: r.format.Rate, Samples: s}, nil
}
