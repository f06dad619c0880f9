package audio

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/skoip/skoip/media/wav"
)

const wavHeaderSize = 44

// DecodeWAV decodes a WAV file held in b with media/wav, SKOIP's one WAV
// decoder (see it for the formats and checks), and returns its sample rate
// and its samples mixed down to mono.
func DecodeWAV(b []byte) (rate int, samples []int16, err error) {
	a, err := wav.Decode(b)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %w", ErrWAV, err)
	}
	return a.Rate, a.Samples, nil
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
