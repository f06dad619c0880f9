package wav

// This file decodes integer PCM through github.com/go-audio/wav. It is
// built only with -tags goaudio until go.mod lists the
// github.com/go-audio/riff v1.0.0 // indirect requirement that go-audio/wav
// needs (go.sum already has it); then drop the tag here and in
// decode_pcm.go. Both decoders give identical samples (TestDecodeAgrees
// cross-checks them under the tag).

import (
	"bytes"
	"fmt"

	"github.com/go-audio/audio"
	gowav "github.com/go-audio/wav"
)

const pcmDecoder = "go-audio/wav"

// decodePCM hands a canonical copy of the file to go-audio/wav and scales
// what it returns to 16 bits.
func decodePCM(f Format, data []byte) ([]int16, error) {
	want := len(data) / (f.BitsPerSam / 8)
	d := gowav.NewDecoder(bytes.NewReader(canonical(f, data)))
	buf := &audio.IntBuffer{Data: make([]int, 4096)}
	out := make([]int16, 0, want)
	for len(out) < want {
		n, err := d.PCMBuffer(buf)
		if err != nil {
			return nil, fmt.Errorf("go-audio/wav: %v: %w", err, ErrCorrupt)
		}
		if n == 0 {
			break
		}
		for _, v := range buf.Data[:min(n, want-len(out))] {
			out = append(out, scaleInt(v, f.BitsPerSam))
		}
	}
	if len(out) != want {
		return nil, fmt.Errorf("go-audio/wav decoded %d of %d samples: %w", len(out), want, ErrCorrupt)
	}
	return out, nil
}

// canonical builds a minimal WAV (44-byte header, data, pad byte).
func canonical(f Format, data []byte) []byte {
	pad := len(data) & 1
	b := make([]byte, 44, 44+len(data)+pad)
	putHeader(b, TagPCM, f.Channels, f.Rate, f.BitsPerSam, len(data))
	b = append(b, data...)
	if pad == 1 {
		b = append(b, 0)
	}
	return b
}

func scaleInt(v, bits int) int16 {
	switch bits {
	case 8:
		return int16((v - 128) << 8) // 8-bit WAV is unsigned
	case 24:
		return int16(v >> 8)
	case 32:
		return int16(v >> 16)
	}
	return int16(v)
}
