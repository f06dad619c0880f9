package audio

import (
	"encoding/binary"
	"fmt"
	"io"
)

const wavHeaderSize = 44

// DecodeWAV parses a RIFF/WAVE file of 16-bit PCM mono samples
// (WAVE_FORMAT_PCM, or WAVE_FORMAT_EXTENSIBLE with the PCM sub-format) and
// returns its sample rate and samples. Chunks other than "fmt " and "data"
// are skipped; a data chunk whose size runs past the end of the file (a
// recording that was not finalised) is read up to the end.
func DecodeWAV(b []byte) (rate int, samples []int16, err error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return 0, nil, fmt.Errorf("%w: not RIFF/WAVE", ErrWAV)
	}
	var gotFmt bool
	for off := 12; off+8 <= len(b); {
		id, size := string(b[off:off+4]), int64(binary.LittleEndian.Uint32(b[off+4:off+8]))
		body := b[off+8:]
		if size < int64(len(body)) {
			body = body[:size]
		}
		switch id {
		case "fmt ":
			if rate, err = parseFmt(body); err != nil {
				return 0, nil, err
			}
			gotFmt = true
		case "data":
			if !gotFmt {
				return 0, nil, fmt.Errorf("%w: data chunk before fmt chunk", ErrWAV)
			}
			samples = make([]int16, len(body)/2)
			for i := range samples {
				samples[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
			}
			return rate, samples, nil
		}
		off += 8 + len(body) + len(body)&1
	}
	return 0, nil, fmt.Errorf("%w: no data chunk", ErrWAV)
}

func parseFmt(b []byte) (int, error) {
	if len(b) < 16 {
		return 0, fmt.Errorf("%w: fmt chunk of %d bytes", ErrWAV, len(b))
	}
	tag := binary.LittleEndian.Uint16(b[0:])
	channels := binary.LittleEndian.Uint16(b[2:])
	rate := binary.LittleEndian.Uint32(b[4:])
	bits := binary.LittleEndian.Uint16(b[14:])
	if tag == 0xFFFE && len(b) >= 26 {
		tag = binary.LittleEndian.Uint16(b[24:]) // sub-format GUID starts with the format tag
	}
	switch {
	case tag != 1:
		return 0, fmt.Errorf("%w: format tag %#x, want PCM", ErrWAV, tag)
	case channels != 1 || bits != 16:
		return 0, fmt.Errorf("%w: %d channels of %d bits, want 16-bit mono", ErrWAV, channels, bits)
	case rate == 0 || rate > 384000:
		return 0, fmt.Errorf("%w: sample rate %d", ErrWAV, rate)
	}
	return int(rate), nil
}

// wavHeader returns the 44-byte header of a 16-bit mono PCM file holding
// dataBytes of samples.
func wavHeader(rate int, dataBytes uint32) []byte {
	h := make([]byte, wavHeaderSize)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], 36+dataBytes)
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1) // PCM
	binary.LittleEndian.PutUint16(h[22:], 1) // mono
	binary.LittleEndian.PutUint32(h[24:], uint32(rate))
	binary.LittleEndian.PutUint32(h[28:], uint32(rate)*2) // byte rate
	binary.LittleEndian.PutUint16(h[32:], 2)              // block align
	binary.LittleEndian.PutUint16(h[34:], 16)             // bits
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], dataBytes)
	return h
}

// EncodeWAV writes samples as a 16-bit mono PCM WAV file.
func EncodeWAV(w io.Writer, rate int, samples []int16) error {
	buf := wavHeader(rate, uint32(2*len(samples)))
	buf = appendSamples(buf, samples)
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("audio.EncodeWAV: %w", err)
	}
	return nil
}

// appendSamples appends samples little-endian.
func appendSamples(b []byte, s []int16) []byte {
	for _, v := range s {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	return b
}
