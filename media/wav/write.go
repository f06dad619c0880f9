package wav

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// putHeader writes a canonical 44-byte WAV header into b[:44].
func putHeader(b []byte, tag uint16, channels, rate, bits, dataLen int) {
	le := binary.LittleEndian
	block := channels * bits / 8
	copy(b[0:], "RIFF")
	le.PutUint32(b[4:], uint32(36+dataLen+dataLen&1))
	copy(b[8:], "WAVEfmt ")
	le.PutUint32(b[16:], 16)
	le.PutUint16(b[20:], tag)
	le.PutUint16(b[22:], uint16(channels))
	le.PutUint32(b[24:], uint32(rate))
	le.PutUint32(b[28:], uint32(rate*block))
	le.PutUint16(b[32:], uint16(block))
	le.PutUint16(b[34:], uint16(bits))
	copy(b[36:], "data")
	le.PutUint32(b[40:], uint32(dataLen))
}

// WriteMono16 writes samples as a mono 16-bit PCM WAV file at rate Hz.
func WriteMono16(w io.Writer, rate int, samples []int16) error {
	if rate <= 0 || len(samples) > (math.MaxUint32-44)/2 {
		return fmt.Errorf("wav.WriteMono16: rate %d, %d samples: %w", rate, len(samples), ErrUnsupported)
	}
	b := make([]byte, 44, 44+2*len(samples))
	putHeader(b, TagPCM, 1, rate, 16, 2*len(samples))
	for _, s := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("wav.WriteMono16: %w", err)
	}
	return nil
}
