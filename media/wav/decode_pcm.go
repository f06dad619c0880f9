//go:build !goaudio

package wav

// This file decodes integer PCM directly from the validated data chunk.
// See decode_goaudio.go for the go-audio/wav path and why it is behind a
// build tag.

const pcmDecoder = "built-in"

// decodePCM converts little-endian integer PCM to 16 bits, keeping the top
// 16 bits of wider samples (an arithmetic shift, as scaleInt does).
func decodePCM(f Format, data []byte) ([]int16, error) {
	step := f.BitsPerSam / 8
	out := make([]int16, 0, len(data)/step)
	for i := 0; i+step <= len(data); i += step {
		var v int16
		switch step {
		case 1:
			v = int16(int(data[i])-128) << 8 // 8-bit WAV is unsigned
		default: // the two most significant bytes of 16, 24 or 32 bits
			v = int16(uint16(data[i+step-2]) | uint16(data[i+step-1])<<8)
		}
		out = append(out, v)
	}
	return out, nil
}
