package wav

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/skoip/skoip/media/codec"
)

// MaxFileSize bounds what ReadFile loads (a minute of 48 kHz stereo 32-bit
// audio is 23 MB).
const MaxFileSize = 32 << 20

// Audio is a decoded file, mixed down to mono.
type Audio struct {
	Format  Format  // the file's format as stored
	Rate    int     // sample rate of Samples, Hz
	Samples []int16 // mono
}

// ReadFile loads and decodes the WAV file at path. Errors name the file.
func ReadFile(path string) (*Audio, error) {
	b, err := readBounded(path)
	if err != nil {
		return nil, fmt.Errorf("wav.ReadFile %s: %w", path, err)
	}
	a, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("wav.ReadFile %s: %w", path, err)
	}
	return a, nil
}

// readBounded reads a regular file of at most MaxFileSize bytes; it never
// opens a FIFO or device (which could block forever).
func readBounded(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%v): %w", st.Mode().Type(), ErrNotWAV)
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("%d bytes, limit %d: %w", st.Size(), MaxFileSize, ErrTooLarge)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("grew past %d bytes while read: %w", MaxFileSize, ErrTooLarge)
	}
	return b, nil
}

// Decode decodes a whole WAV file held in b.
func Decode(b []byte) (*Audio, error) {
	f, data, err := parse(b)
	if err != nil {
		return nil, err
	}
	var interleaved []int16
	switch f.Tag {
	case TagPCM:
		interleaved, err = decodePCM(f, data)
	case TagFloat:
		interleaved = decodeFloat(f, data)
	case TagALaw:
		interleaved = codec.NewPCMA().Decode(nil, data)
	case TagULaw:
		interleaved = codec.NewPCMU().Decode(nil, data)
	}
	if err != nil {
		return nil, err
	}
	return &Audio{Format: f, Rate: f.Rate, Samples: downmix(interleaved, f.Channels)}, nil
}

func decodeFloat(f Format, data []byte) []int16 {
	step := f.BitsPerSam / 8
	out := make([]int16, 0, len(data)/step)
	for i := 0; i+step <= len(data); i += step {
		var v float64
		if step == 4 {
			v = float64(math.Float32frombits(binary.LittleEndian.Uint32(data[i:])))
		} else {
			v = math.Float64frombits(binary.LittleEndian.Uint64(data[i:]))
		}
		out = append(out, floatTo16(v))
	}
	return out
}

// floatTo16 maps [-1, 1] to int16, clipping louder values; NaN is silence.
func floatTo16(v float64) int16 {
	switch {
	case v != v:
		return 0
	case v >= 32767.0/32768:
		return 32767
	case v <= -1:
		return -32768
	}
	return int16(math.Round(v * 32768))
}

// downmix averages interleaved channels into mono, in place.
func downmix(s []int16, channels int) []int16 {
	if channels == 1 {
		return s
	}
	n := len(s) / channels
	for i := 0; i < n; i++ {
		sum := 0
		for _, v := range s[i*channels : (i+1)*channels] {
			sum += int(v)
		}
		s[i] = int16(sum / channels)
	}
	return s[:n]
}
